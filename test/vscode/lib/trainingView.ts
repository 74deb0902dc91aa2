/**
 * The Training view inside the panel's webview, read through the DOM the webview renders
 * (webview/src/training/*). Every selector the training UI tests depend on is here:
 *   #tab-training                                   the view's tab (aria-selected when shown)
 *   [data-testid="training-empty"]                  "No training run yet" (with a ▶ Train button)
 *   .run-controls [data-command="train|pause|resume|sample-now|stop|open-run"]
 *   [data-testid="run-summary"] .run-status         the shown run's name, status, step, checkpoint
 *   .run-item[data-run-id]                          a run in the runs list; .selected is the shown one
 *   [data-testid="loss-chart"][data-points]         the loss chart and how many steps it holds;
 *                 [data-last]                       the last smoothed D loss; its uPlot <canvas>
 *   [data-testid="scrubber-step"]                   "step 250 (6/7)": the sample shown, of how many
 *   [data-testid="points2d"][data-step]             the 2-D view (GAN Lab) and the step of its sample;
 *   .points2d-canvas[data-drawn-step]               the step it has drawn
 *   img.sample-image[data-step]                     an image GAN's sample grid (a PNG from the run folder)
 */
import type { FrameLocator, Locator } from 'playwright-core';
import { waitFor } from './waitFor';

export type RunCommand = 'train' | 'pause' | 'resume' | 'sample-now' | 'stop' | 'open-run';

export interface ChartState {
  points: number;
  /** Pixels of the plot canvas that are not transparent (0: nothing drawn). */
  inkedPixels: number;
  canvasWidth: number;
}

export interface ImageState {
  step: number;
  naturalWidth: number;
  naturalHeight: number;
  complete: boolean;
  src: string;
}

/** Reads poll: an element that goes between count() and evaluate() must not hold them for 30 s. */
const READ = { timeout: 2000 };

export class TrainingView {
  constructor(private readonly frame: FrameLocator) {}

  tab(): Locator {
    return this.frame.locator('#tab-training');
  }

  /** Waits until the Training tab is the one shown. */
  async waitUntilShown(timeoutMs = 20_000): Promise<void> {
    await this.frame.locator('#tab-training[aria-selected="true"]').waitFor({ timeout: timeoutMs });
  }

  empty(): Locator {
    return this.frame.locator('[data-testid="training-empty"]');
  }

  control(command: RunCommand): Locator {
    return this.frame.locator(`[data-command="${command}"]`);
  }

  /** The run-controls toolbar's buttons, by command, in order. */
  async controls(): Promise<string[]> {
    return this.frame.locator('.run-controls [data-command]').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-command') ?? ''));
  }

  summary(): Locator {
    return this.frame.locator('[data-testid="run-summary"]');
  }

  /** The shown run's status as the summary says it (running, paused, stopped, failed, completed). */
  async status(): Promise<string> {
    // Short waits: callers poll, and the summary is re-rendered (or absent while a run loads).
    return (await this.summary().locator('.run-status').innerText({ timeout: 2000 })).trim();
  }

  runItem(runId: string): Locator {
    return this.frame.locator(`.run-item[data-run-id="${runId}"]`);
  }

  lossChart(): Locator {
    return this.frame.locator('[data-testid="loss-chart"]');
  }

  /** Points in the loss chart and how much of its canvas uPlot has drawn on. */
  async chart(): Promise<ChartState> {
    const chart = this.lossChart();
    if ((await chart.count()) === 0) return { points: 0, inkedPixels: 0, canvasWidth: 0 };
    return chart.evaluate((figure) => {
      const canvas = figure.querySelector('canvas');
      let inked = 0;
      if (canvas && canvas.width > 0 && canvas.height > 0) {
        const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
        if (data) for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) inked++;
      }
      return { points: Number(figure.getAttribute('data-points') ?? 0), inkedPixels: inked, canvasWidth: canvas?.width ?? 0 };
    }, undefined, READ);
  }

  /** Waits until the loss chart holds at least `min` points and its canvas has lines on it. */
  async waitForCurve(min = 1, timeoutMs = 20_000): Promise<ChartState> {
    let last: ChartState | undefined;
    return waitFor(
      `the loss chart to draw ≥ ${min} points`,
      async () => {
        last = await this.chart();
        return last.points >= min && last.inkedPixels > 0 ? last : undefined;
      },
      timeoutMs,
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}; chart: ${JSON.stringify(last)}; the view says: ${await this.describe()}`);
    });
  }

  scrubberStep(): Locator {
    return this.frame.locator('[data-testid="scrubber-step"]');
  }

  /** The sample step the scrubber shows and how many samples there are: "step 250 (6/7)". */
  async scrubber(): Promise<{ step: number; index: number; count: number } | undefined> {
    const [text] = await this.scrubberStep().allInnerTexts();
    if (text === undefined) return undefined;
    const match = /step (\d+)\s*\((\d+)\/(\d+)\)/.exec(text);
    return match ? { step: Number(match[1]), index: Number(match[2]), count: Number(match[3]) } : undefined;
  }

  points2d(): Locator {
    return this.frame.locator('[data-testid="points2d"]');
  }

  /** The step the 2-D view has drawn (undefined while none), with its point counts and inked pixels. */
  async drawn2d(): Promise<{ step: number; real: number; fake: number; inkedPixels: number } | undefined> {
    const figure = this.points2d();
    if ((await figure.count()) === 0) return undefined;
    return figure.evaluate((element) => {
      const canvas = element.querySelector('canvas');
      const drawn = canvas?.getAttribute('data-drawn-step');
      if (!canvas || drawn === null || drawn === undefined || drawn === '') return undefined;
      let inked = 0;
      const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
      if (data) for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) inked++;
      return { step: Number(drawn), real: Number(element.getAttribute('data-real')), fake: Number(element.getAttribute('data-fake')), inkedPixels: inked };
    }, undefined, READ);
  }

  /** Waits until the 2-D view has drawn a sample (of `step`, when given). */
  async waitFor2d(step?: number, timeoutMs = 20_000): Promise<{ step: number; real: number; fake: number; inkedPixels: number }> {
    let last: Awaited<ReturnType<TrainingView['drawn2d']>>;
    return waitFor(
      step === undefined ? 'the 2-D view to draw a sample' : `the 2-D view to draw the sample of step ${step}`,
      async () => {
        last = await this.drawn2d();
        return last && last.fake > 0 && last.inkedPixels > 0 && (step === undefined || last.step === step) ? last : undefined;
      },
      timeoutMs,
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}; drawn: ${JSON.stringify(last)}; the view says: ${await this.describe()}`);
    });
  }

  sampleImage(): Locator {
    return this.frame.locator('img.sample-image');
  }

  /** The sample grid <img> as the browser loaded it (naturalWidth 0: not loaded or not an image). */
  async image(): Promise<ImageState | undefined> {
    const img = this.sampleImage();
    if ((await img.count()) === 0) return undefined;
    return img.evaluate((element) => {
      const image = element as unknown as { naturalWidth: number; naturalHeight: number; complete: boolean; currentSrc: string; src: string; dataset: Record<string, string | undefined> };
      return { step: Number(image.dataset.step), naturalWidth: image.naturalWidth, naturalHeight: image.naturalHeight, complete: image.complete, src: image.currentSrc || image.src };
    }, undefined, READ);
  }

  /** Waits until the sample grid shows a loaded image (of `step`, when given). */
  async waitForImage(step?: number, timeoutMs = 20_000): Promise<ImageState> {
    let last: ImageState | undefined;
    return waitFor(
      step === undefined ? 'a sample image to load' : `the sample image of step ${step} to load`,
      async () => {
        last = await this.image();
        return last && last.complete && last.naturalWidth > 0 && (step === undefined || last.step === step) ? last : undefined;
      },
      timeoutMs,
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}; image: ${JSON.stringify(last)}; the view says: ${await this.describe()}`);
    });
  }

  /**
   * The bytes of the shown sample image, fetched inside the webview (so through the same
   * resource URI and rules the <img> uses).
   */
  async imageBytes(): Promise<{ status: number; type: string; length: number; head: number[] }> {
    return this.sampleImage().evaluate(async (element) => {
      const image = element as unknown as { currentSrc: string; src: string };
      const response = await fetch(image.currentSrc || image.src);
      const buffer = new Uint8Array(await response.arrayBuffer());
      return { status: response.status, type: response.headers.get('content-type') ?? '', length: buffer.length, head: Array.from(buffer.slice(0, 8)) };
    });
  }

  /** What the Training view shows, in a line, for error messages. */
  async describe(): Promise<string> {
    const body = this.frame.locator('body');
    if ((await body.count()) === 0) return 'the webview has no document';
    return body.evaluate((element) => {
      const view = element.ownerDocument.querySelector('#view-training');
      if (!view) return `no #view-training; the page says: ${(element.textContent ?? '').trim().slice(0, 300)}`;
      const hidden = (view as unknown as { hidden: boolean }).hidden ? ' (hidden: another tab is shown)' : '';
      return `${hidden}${(view.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 400)}`;
    });
  }
}
