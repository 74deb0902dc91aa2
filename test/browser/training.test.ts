/**
 * The Training view in a real Chromium against the real bundle, fed a recorded run folder
 * (metrics for thousands of steps, sample PNGs, 2-D samples, a walk strip) served over HTTP
 * as the host's `asWebviewUri` would serve it.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { HostToWebview, RunInfo, SampleRecord } from '../../src/protocol';
import { makeMetrics, writeFixtureRuns, type FixtureRun, type FixtureRuns } from './fixtures';
import { launchChromium, Panel } from './harness';
import { startHarnessServer, type HarnessServer } from './server';

// Page-side callbacks (page.evaluate) run in Chromium; this Node program has no DOM lib.
declare const document: any;

describe('Training view in Chromium', function () {
  this.timeout(60_000);
  let browser: Browser;
  let server: HarnessServer;
  let runs: FixtureRuns;
  let panel: Panel | undefined;

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gan-studio-runs-'));
    runs = await writeFixtureRuns(dir);
    server = await startHarnessServer(dir);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (runs) rmSync(runs.dir, { recursive: true, force: true });
  });

  afterEach(async () => {
    if (panel) {
      await panel.assertClean();
      await panel.close();
      panel = undefined;
    }
  });

  const withUri = (sample: SampleRecord) => ({ ...sample, uri: server.runUrl(sample.file) });
  const history = (run: FixtureRun): HostToWebview => ({ type: 'run-history', run: run.info, metrics: run.metrics, samples: run.samples.map(withUri) });

  /** A panel on the Training view, shown `run` after answering its select-run. */
  async function openRun(run: FixtureRun, list: RunInfo[] = [run.info], options: { theme?: 'light' | 'dark' | 'high-contrast'; activeRunId?: string } = {}): Promise<Panel> {
    panel = await Panel.open(browser, server, { theme: options.theme });
    await panel.send({ type: 'show-view', view: 'training' });
    await panel.send({ type: 'runs', runs: list, activeRunId: options.activeRunId });
    await panel.waitForPosted('select-run', (m) => m.runId === run.info.id);
    await panel.send(history(run));
    await panel.page.locator(`[data-testid="loss-chart"][data-points="${run.metrics.length}"]`).waitFor();
    return panel;
  }

  const chart = (p: Panel, id = 'loss-chart') => p.page.getByTestId(id);
  const canvasImage = (p: Panel, id = 'loss-chart') => p.page.locator(`[data-testid="${id}"] canvas`).first().evaluate((c: { toDataURL(): string }) => c.toDataURL());

  it('shows a clear empty state with Train when the file has no run', async () => {
    panel = await Panel.open(browser, server);
    await panel.page.getByRole('tab', { name: 'Training' }).click();
    await panel.page.getByTestId('training-loading').waitFor();
    await panel.send({ type: 'runs', runs: [] });
    await panel.page.getByTestId('training-empty').waitFor();
    await panel.page.getByTestId('training-empty').getByRole('button', { name: /Train/ }).click();
    assert.deepEqual(await panel.waitForPosted('command'), { type: 'command', command: 'train' });
    await panel.screenshot('training-empty');
  });

  it('asks for the active run and draws its curves from history', async () => {
    const p = await openRun(runs.dcgan, [runs.dcganOld.info, runs.dcgan.info], { activeRunId: runs.dcgan.info.id });
    // D loss, G loss and the four parts, each raw and smoothed.
    assert.match(await chart(p).locator('.chart-legend').innerText(), /D loss[\s\S]*G loss[\s\S]*gAdversarial[\s\S]*gL1[\s\S]*dReal[\s\S]*dFake/);
    assert.equal(await p.page.getByTestId('dout-chart').getAttribute('data-points'), '3000');
    assert.match(await p.page.getByTestId('run-summary').innerText(), /dcgan-mnist · lr 2e-4[\s\S]*running[\s\S]*step 3000\/10000[\s\S]*tensorflow \(GPU\)[\s\S]*images\/s/);
    // The runs list: newest first, the shown run selected.
    const names = await p.page.locator('.run-item .run-name').allInnerTexts();
    assert.match(names[0], /lr 2e-4/);
    assert.equal(await p.page.locator('.run-item.selected').getAttribute('data-run-id'), runs.dcgan.info.id);
    // Hover read-out.
    const plot = (await chart(p).locator('.u-over').boundingBox())!;
    await p.page.mouse.move(plot.x + plot.width / 2, plot.y + plot.height / 2);
    await p.page.waitForFunction(() => /step \d+/.test(document.querySelector('[data-testid="loss-chart-readout"]')?.textContent ?? ''));
    assert.match(await p.page.getByTestId('loss-chart-readout').innerText(), /step \d+[\s\S]*D loss \d\.\d+/);
    await p.screenshot('training');
  });

  it('streams run-update points, redrawing at most once a frame', async () => {
    const p = await openRun(runs.dcgan, [runs.dcgan.info], { activeRunId: runs.dcgan.info.id });
    const drawsBefore = Number(await chart(p).getAttribute('data-draws'));
    // 100 messages of 20 points each, as fast as the page takes them.
    const updates: HostToWebview[] = [];
    for (let i = 0; i < 100; i++) updates.push({ type: 'run-update', runId: runs.dcgan.info.id, metrics: makeMetrics(3001 + i * 20, 20, 9) });
    const started = Date.now();
    await p.page.evaluate((messages: unknown[]) => {
      for (const m of messages) (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage(m, '*');
    }, updates);
    await chart(p).and(p.page.locator('[data-points="5000"]')).waitFor();
    const elapsed = Date.now() - started;
    const draws = Number(await chart(p).getAttribute('data-draws')) - drawsBefore;
    assert.ok(draws >= 1 && draws < 50, `the chart redrew ${draws} times for 100 messages`);
    assert.ok(elapsed < 5_000, `2,000 streamed points drawn in ${elapsed} ms`);
    // Run info in an update moves the summary.
    await p.send({ type: 'run-update', runId: runs.dcgan.info.id, run: { ...runs.dcgan.info, step: 5000 } });
    await p.page.getByText('step 5000/10000').waitFor();
  });

  it('smooths with TensorBoard\'s weight, toggles a log axis and zooms to a range of steps', async () => {
    const p = await openRun(runs.dcgan);
    const slider = p.page.getByTestId('smoothing');
    await slider.fill('0');
    await chart(p).and(p.page.locator('[data-last]')).waitFor();
    const rawLast = Number(await chart(p).getAttribute('data-last'));
    const rawImage = await canvasImage(p);
    assert.equal(rawLast, Number(runs.dcgan.metrics.at(-1)!.dLoss.toPrecision(6)), 'no smoothing: the last raw value');
    await slider.fill('0.99');
    await p.page.waitForFunction((last) => Number(document.querySelector('[data-testid="loss-chart"]').dataset.last) !== last, rawLast);
    const smoothedLast = Number(await chart(p).getAttribute('data-last'));
    // The debiased EMA of the D losses, computed here the same way.
    let ema = 0;
    runs.dcgan.metrics.forEach((m, i) => {
      ema = ema * 0.99 + 0.01 * m.dLoss;
      if (i === runs.dcgan.metrics.length - 1) assert.ok(Math.abs(smoothedLast - ema / (1 - 0.99 ** (i + 1))) < 1e-4);
    });
    assert.notEqual(await canvasImage(p), rawImage, 'the drawn series changed');
    assert.equal((await p.state())?.smoothing === undefined, false);

    // Log axis.
    const linearImage = await canvasImage(p);
    await p.page.getByTestId('log-scale').check();
    await chart(p).and(p.page.locator('[data-y-scale="log"]')).waitFor();
    assert.notEqual(await canvasImage(p), linearImage);
    await p.page.getByTestId('log-scale').uncheck();
    await chart(p).and(p.page.locator('[data-y-scale="linear"]')).waitFor();

    // Drag-select a range of steps; both charts follow; reset.
    const plot = (await chart(p).locator('.u-over').boundingBox())!;
    await p.page.mouse.move(plot.x + plot.width * 0.25, plot.y + plot.height / 2);
    await p.page.mouse.down();
    await p.page.mouse.move(plot.x + plot.width * 0.5, plot.y + plot.height / 2, { steps: 5 });
    await p.page.mouse.up();
    const range = await chart(p).getAttribute('data-step-range');
    assert.match(range ?? '', /^\d+-\d+$/);
    const [min, max] = range!.split('-').map(Number);
    assert.ok(min > 500 && max < 2000 && max > min, `zoomed to ${range}`);
    assert.equal(await p.page.getByTestId('dout-chart').getAttribute('data-step-range'), range);
    await p.page.getByTestId('reset-zoom').click();
    assert.equal(await chart(p).getAttribute('data-step-range'), '');
  });

  it('scrubs, plays and enlarges the samples of each step', async () => {
    const p = await openRun(runs.dcgan);
    const image = p.page.locator('.sample-image');
    // Follows the latest sample.
    assert.equal(await image.getAttribute('data-step'), '3000');
    await p.page.getByTestId('scrubber-slider').fill('2');
    await p.page.waitForFunction(() => document.querySelector('.sample-image')?.getAttribute('data-step') === '1000');
    assert.match((await image.getAttribute('src')) ?? '', /samples\/step-001000\.png$/);
    assert.match(await p.page.getByTestId('scrubber-step').innerText(), /step 1000 \(3\/7\)/);
    await p.page.waitForFunction(() => (document.querySelector('.sample-image')?.naturalWidth ?? 0) === 112);
    // A new sample does not move a pinned scrubber.
    await p.send({ type: 'run-update', runId: runs.dcgan.info.id, samples: [withUri({ ...runs.dcgan.samples[6], step: 3500 })] });
    await p.page.getByText('(3/8)').waitFor();
    assert.equal(await image.getAttribute('data-step'), '1000');
    // Enlarge a cell.
    await p.page.locator('.sample-overlay .cell[data-cell="5"]').click();
    const zoom = p.page.getByTestId('sample-zoom');
    await zoom.waitFor();
    assert.match(await zoom.innerText(), /Step 1000 · sample #5 \(row 2, column 2\)/);
    assert.equal(await zoom.locator('svg').getAttribute('viewBox'), '28 28 28 28');
    await p.screenshot('training-sample-zoom');
    await p.page.keyboard.press('Escape');
    await zoom.waitFor({ state: 'detached' });
    // Play moves through the steps.
    await p.page.getByTestId('scrubber-play').click();
    await p.page.waitForFunction(() => document.querySelector('.sample-image')?.getAttribute('data-step') !== '1000');
    await p.page.getByTestId('scrubber-play').click();
    // The pinned step is kept for a reload.
    const state = await p.state();
    assert.equal((state?.sampleStep as { runId: string } | undefined)?.runId, runs.dcgan.info.id);
  });

  it('labels class rows and pix2pix triplets', async () => {
    const p = await openRun(runs.cgan, [runs.cgan.info, runs.pix2pix.info]);
    assert.deepEqual(await p.page.getByTestId('row-labels').locator('span').allInnerTexts(), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    await p.page.locator('.sample-overlay .cell[data-cell="13"]').click();
    assert.match(await p.page.getByTestId('sample-zoom').innerText(), /sample #13 · class 2/);
    await p.page.keyboard.press('Escape');
    await p.screenshot('training-class-rows');
    // Another run: pix2pix.
    await p.clearPosted();
    await p.page.locator(`.run-item[data-run-id="${runs.pix2pix.info.id}"] .run-select`).click();
    assert.deepEqual(await p.waitForPosted('select-run'), { type: 'select-run', runId: runs.pix2pix.info.id });
    await p.send(history(runs.pix2pix));
    await p.page.locator('.layout-triplets').waitFor();
    assert.deepEqual(await p.page.locator('.column-labels span').allInnerTexts(), ['input', 'output', 'target']);
    assert.match(await p.page.locator('.latent-walk').innerText(), /no latent vector/);
    await p.page.locator('.sample-overlay .cell[data-cell="1"]').click();
    assert.equal(await p.page.getByTestId('sample-zoom').locator('svg').getAttribute('viewBox'), '0 64 192 64');
    await p.page.keyboard.press('Escape');
    await p.screenshot('training-triplets');
  });

  it('draws the 2-D view and follows new 2-D samples', async () => {
    const p = await openRun(runs.ring, [runs.ring.info], { activeRunId: runs.ring.info.id });
    const view = p.page.getByTestId('points2d');
    await p.page.locator('.points2d-canvas[data-drawn-step="1500"]').waitFor();
    assert.equal(await view.getAttribute('data-real'), '256');
    assert.equal(await view.getAttribute('data-fake'), '256');
    // Something is drawn: heat map and points give many coloured pixels.
    const painted = await p.page.locator('.points2d-canvas').evaluate((canvas: any) => {
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data as Uint8ClampedArray;
      let count = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) count++;
      return count / (canvas.width * canvas.height);
    });
    assert.ok(painted > 0.3, `${Math.round(painted * 100)}% of the plane painted`);
    await p.screenshot('training-points2d');
    // A new sample while training: the view moves to it.
    await p.send({ type: 'run-update', runId: runs.ring.info.id, samples: [withUri(runs.ringNext)] });
    await p.page.locator('.points2d-canvas[data-drawn-step="2000"]').waitFor();
    // The scrubber goes back to an earlier one.
    await p.page.getByTestId('scrubber-slider').fill('0');
    await p.page.locator('.points2d-canvas[data-drawn-step="0"]').waitFor();
  });

  it('walks between two picked samples and animates the strip', async () => {
    const p = await openRun(runs.dcgan, [runs.dcgan.info], { activeRunId: runs.dcgan.info.id });
    await p.page.getByTestId('walk-pick').click();
    await p.page.locator('.sample-overlay .cell[data-cell="0"]').click();
    await p.page.locator('.sample-overlay .cell[data-cell="5"]').click();
    assert.match(await p.page.getByTestId('walk-picks').innerText(), /A #0\s*B #5/);
    assert.match((await p.page.locator('.sample-overlay .cell[data-cell="0"]').getAttribute('class')) ?? '', /pick-a/);
    // Picking ended: clicks enlarge again, and no zoom opened while picking.
    assert.equal(await p.page.getByTestId('sample-zoom').count(), 0);
    await p.page.getByTestId('walk-go').click();
    assert.deepEqual(await p.waitForPosted('walk'), { type: 'walk', runId: runs.dcgan.info.id, from: 0, to: 5, frames: 16 });
    await p.page.getByText('rendering the walk').waitFor();
    await p.send({ type: 'walk-result', runId: runs.dcgan.info.id, requestId: 'w1', uri: server.runUrl(runs.walkFile), frames: runs.walkFrames });
    const player = p.page.getByTestId('walk-player');
    await player.waitFor();
    await p.page.waitForFunction(() => (document.querySelector('[data-testid="walk-strip"]')?.naturalWidth ?? 0) === 224);
    assert.equal(await player.getAttribute('data-frames'), '8');
    // The animation moves through the frames; each frame is one 28-pixel cut of the strip.
    const seen = new Set<string>();
    for (let i = 0; i < 20 && seen.size < 3; i++) {
      seen.add((await player.getAttribute('data-frame')) ?? '');
      await p.page.waitForTimeout(60);
    }
    assert.ok(seen.size >= 3, `frames shown: ${[...seen]}`);
    assert.match((await p.page.locator('.walk-frame').getAttribute('viewBox')) ?? '', /^\d+ 0 28 28$/);
    await p.screenshot('training-walk');
  });

  it('drives the active run with commands fitting its status', async () => {
    const p = await openRun(runs.dcgan, [runs.dcgan.info], { activeRunId: runs.dcgan.info.id });
    const controls = p.page.locator('.run-controls');
    assert.deepEqual(await controls.locator('button').evaluateAll((els: { dataset: { command: string } }[]) => els.map((e) => e.dataset.command)), ['pause', 'sample-now', 'stop', 'open-run']);
    await controls.locator('[data-command="pause"]').click();
    assert.deepEqual(await p.waitForPosted('command'), { type: 'command', command: 'pause' });
    await p.send({ type: 'runs', runs: [{ ...runs.dcgan.info, status: 'paused' }], activeRunId: runs.dcgan.info.id });
    await controls.locator('[data-command="resume"]').waitFor();
    await p.clearPosted();
    await controls.locator('[data-command="resume"]').click();
    assert.deepEqual(await p.waitForPosted('command'), { type: 'command', command: 'resume' });
    await p.clearPosted();
    await controls.locator('[data-command="stop"]').click();
    assert.deepEqual(await p.waitForPosted('command'), { type: 'command', command: 'stop' });
    // Finished: Train again.
    await p.send({ type: 'runs', runs: [{ ...runs.dcgan.info, status: 'stopped' }] });
    await controls.locator('[data-command="train"]').waitFor();
    assert.equal(await controls.locator('[data-command="stop"]').count(), 0);
  });

  it('lists runs, shows a past one and overlays two runs\' curves', async () => {
    const list = [runs.dcgan.info, runs.dcganOld.info, runs.cgan.info];
    const p = await openRun(runs.dcgan, list, { activeRunId: runs.dcgan.info.id });
    assert.equal(await p.page.locator('.run-item').count(), 3);
    assert.match(await p.page.locator(`.run-item[data-run-id="${runs.cgan.info.id}"]`).innerText(), /cgan-mnist[\s\S]*2000\/2000[\s\S]*tensorflow \(GPU\)/);
    // Open a past run.
    await p.clearPosted();
    await p.page.locator(`.run-item[data-run-id="${runs.dcganOld.info.id}"] .run-select`).click();
    await p.waitForPosted('select-run', (m) => m.runId === runs.dcganOld.info.id);
    await p.send(history(runs.dcganOld));
    await p.page.locator('[data-testid="loss-chart"][data-points="2000"]').waitFor();
    // Compare two.
    const compare = p.page.getByTestId('compare');
    assert.equal(await compare.isDisabled(), true);
    await p.page.locator(`.run-item[data-run-id="${runs.dcgan.info.id}"] input[type="checkbox"]`).check();
    await p.page.locator(`.run-item[data-run-id="${runs.dcganOld.info.id}"] input[type="checkbox"]`).check();
    await compare.click();
    assert.deepEqual(await p.waitForPosted('compare'), { type: 'compare', runIds: [runs.dcgan.info.id, runs.dcganOld.info.id] });
    await p.send({ type: 'compare', runs: [runs.dcgan, runs.dcganOld].map((r) => ({ run: r.info, metrics: r.metrics })) });
    const overlay = p.page.getByTestId('compare-chart');
    // Joined on steps: the longer run's 3,000.
    await p.page.locator('[data-testid="compare-chart"][data-points="3000"]').waitFor();
    assert.match(await overlay.locator('.chart-legend').innerText(), /1\. dcgan-mnist · lr 2e-4 D[\s\S]*1\. dcgan-mnist · lr 2e-4 G[\s\S]*2\. dcgan-mnist · lr 1e-3 D/);
    await p.screenshot('training-compare');
    await p.page.getByTestId('stop-compare').click();
    await overlay.waitFor({ state: 'detached' });
  });

  it('keeps its settings across a reload and asks again for the run it showed', async () => {
    const p = await openRun(runs.dcgan, [runs.dcgan.info, runs.dcganOld.info]);
    await p.page.getByTestId('smoothing').fill('0.9');
    await p.page.getByTestId('log-scale').check();
    await p.page.getByTestId('scrubber-slider').fill('1');
    await p.clearPosted();
    await p.page.locator(`.run-item[data-run-id="${runs.dcganOld.info.id}"] .run-select`).click();
    await p.waitForPosted('select-run');
    await p.page.waitForTimeout(400);
    const again = await Panel.open(browser, server, { context: p.context });
    assert.equal(await again.page.getByRole('tab', { name: 'Training' }).getAttribute('aria-selected'), 'true');
    await again.send({ type: 'runs', runs: [runs.dcgan.info, runs.dcganOld.info] });
    // Without an active run it asks for the one shown before the reload.
    assert.deepEqual(await again.waitForPosted('select-run'), { type: 'select-run', runId: runs.dcganOld.info.id });
    await again.send(history(runs.dcganOld));
    await again.page.locator('[data-testid="loss-chart"][data-points="2000"]').waitFor();
    assert.equal(await again.page.getByTestId('smoothing').inputValue(), '0.9');
    assert.equal(await again.page.getByTestId('log-scale').isChecked(), true);
    assert.equal(await again.page.getByTestId('loss-chart').getAttribute('data-y-scale'), 'log');
    await again.assertClean();
    await again.page.close();
  });

  for (const theme of ['light', 'dark', 'high-contrast'] as const) {
    it(`is legible in the ${theme} theme (screenshot)`, async () => {
      const p = await openRun(runs.dcgan, [runs.dcgan.info, runs.dcganOld.info], { theme, activeRunId: runs.dcgan.info.id });
      await p.page.waitForFunction(() => (document.querySelector('.sample-image')?.naturalWidth ?? 0) > 0);
      await p.screenshot('training');
    });
  }
});
