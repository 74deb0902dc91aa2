/**
 * Benchmark (issue 5): does watching a run in the panel slow training down?
 * Images/s of the same training run with the Training view open (beside the editor,
 * drawing the live curves and samples) and with the panel closed, in the real setup: the
 * packaged extension in code-server (VS Code 1.100) driven through Chromium, started from
 * the command palette like a person would. Runs alternate (closed, open, open, closed, …)
 * so drift on the machine hits both alike; the medians are compared. Target: the panel
 * costs at most 5 % (open ≥ 0.95 × closed).
 *
 *   test/vscode/prepare.sh            # build, compile, package gan-studio.vsix (once)
 *   node out/bench/panel-overhead.js [--example ring|dcgan-mnist|tiny-dcgan] [--steps N]
 *                                    [--reps N] [--warmup N] [--json FILE]
 *
 * Defaults: the gan-2d-ring example for 2000 steps (its own batch 128, a 2-D sample every
 * 100 steps, a checkpoint every 500: the most messages per second of the examples), 3 runs
 * of each, 1 warm-up run. Images/s of a run: (images trained after the first 10 % of its
 * steps) / (time between those metric points), from the run's metrics.jsonl, so start-up
 * (data, models) is left out and sampling and checkpoints are counted as in real training.
 * Exit code: 0 when the target is met, 1 when not, 2 when the benchmark itself failed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import type { RunInfo } from '../src/protocol';
import { listRuns, readMetrics } from '../src/run';
import { launchChromium } from '../test/vscode/lib/chromium';
import { installExtension, startCodeServer, type CodeServer } from '../test/vscode/lib/codeServer';
import { CpuMeter, type ProcessGroup } from '../test/vscode/lib/cpuUsage';
import { ARTIFACTS_ROOT, PACKAGED_VSIX, REPO_ROOT, requireFile, requireTools } from '../test/vscode/lib/paths';
import { makeRunDir } from '../test/vscode/lib/runDir';
import { ringSpec, specVariant, tinyDcganSpec, writeTrainingSpec, type TrainingSpec } from '../test/vscode/lib/trainingSpecs';
import { TrainingView } from '../test/vscode/lib/trainingView';
import { waitFor } from '../test/vscode/lib/waitFor';
import { Workbench } from '../test/vscode/lib/workbench';
import { makeWorkspace } from '../test/vscode/lib/workspace';

type Mode = 'closed' | 'open';

interface Options {
  example: 'ring' | 'dcgan-mnist' | 'tiny-dcgan';
  steps: number;
  reps: number;
  warmup: number;
  json: string;
}

interface Measured {
  mode: Mode;
  warmup: boolean;
  run: string;
  steps: number;
  imagesPerSecond: number;
  seconds: number;
  /** Points the panel's loss chart held at the end (open runs): proof it was drawing. */
  panelPoints?: number;
  /** CPU seconds per process group from Train to the end of the run ('other': the rest of the machine). */
  cpu: Record<ProcessGroup, number>;
}

const TARGET_SLOWDOWN = 0.05;

function parseArgs(argv: string[]): Options {
  const options: Options = { example: 'ring', steps: 2000, reps: 3, warmup: 1, json: path.join(ARTIFACTS_ROOT, 'bench-panel-overhead.json') };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    const number = () => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${argv[i]} needs a whole number, not ${value}`);
      i++;
      return n;
    };
    switch (argv[i]) {
      case '--example':
        if (value !== 'ring' && value !== 'dcgan-mnist' && value !== 'tiny-dcgan') throw new Error(`--example is ring, dcgan-mnist or tiny-dcgan, not ${value}`);
        options.example = value;
        i++;
        break;
      case '--steps':
        options.steps = number();
        break;
      case '--reps':
        options.reps = Math.max(1, number());
        break;
      case '--warmup':
        options.warmup = number();
        break;
      case '--json':
        options.json = path.resolve(value);
        i++;
        break;
      default:
        throw new Error(`unknown option ${argv[i]} (see the comment at the top of bench/panel-overhead.ts)`);
    }
  }
  return options;
}

function benchSpec(options: Options): TrainingSpec {
  const file = 'bench-panel.gan.json';
  if (options.example === 'tiny-dcgan') return tinyDcganSpec(file, options.steps, { sampleEvery: 100, checkpointEvery: 500, batchSize: 64 });
  if (options.example === 'dcgan-mnist') {
    // The example as it is (batch 256, its sample and checkpoint intervals), for N steps.
    return { file, example: 'dcgan-mnist.gan.json', steps: options.steps, sampleEvery: 100, checkpointEvery: 500, batchSize: 256, edits: [[['training', 'epochs'], undefined], [['training', 'steps'], options.steps]] };
  }
  // The ring as it is (batch 128, sample every 100, checkpoint every 500), for N steps.
  return ringSpec(file, options.steps, { sampleEvery: 100, checkpointEvery: 500 });
}

function cpuLine(cpu: Record<ProcessGroup, number>): string {
  return (Object.entries(cpu) as [ProcessGroup, number][]).map(([group, seconds]) => `${group} ${seconds.toFixed(1)}`).join(', ') + ' CPU s';
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Images/s of a finished run, leaving out its first 10 % of steps (start-up, first compilations). */
function throughput(run: RunInfo, batchSize: number): { imagesPerSecond: number; seconds: number; steps: number } {
  const points = readMetrics(run.dir);
  if (points.length < 10) throw new Error(`${run.dir} has only ${points.length} metric points`);
  const first = points[Math.floor(points.length * 0.1)];
  const last = points[points.length - 1];
  const seconds = (last.time - first.time) / 1000;
  return { imagesPerSecond: ((last.step - first.step) * batchSize) / seconds, seconds: last.time / 1000, steps: last.step };
}

class Bench {
  private constructor(
    private readonly server: CodeServer,
    private readonly browser: Browser,
    readonly workbench: Workbench,
    readonly folder: string,
    readonly specFile: string,
    readonly spec: TrainingSpec,
  ) {}

  static async start(spec: TrainingSpec): Promise<Bench> {
    requireTools();
    requireFile(PACKAGED_VSIX, 'test/vscode/prepare.sh (or npm run build && npx tsc -p . && npm run package)');
    const runDir = makeRunDir('bench-panel');
    const folder = makeWorkspace(runDir);
    const extensionsDir = path.join(runDir, 'extensions');
    installExtension(PACKAGED_VSIX, extensionsDir, runDir);
    const specFile = writeTrainingSpec(folder, spec);
    const server = await startCodeServer({ runDir, extensionsDir });
    const browser = await launchChromium();
    const workbench = await Workbench.open(browser, server, folder, ARTIFACTS_ROOT, { logFile: path.join(runDir, 'workbench-console.log') });
    console.log(`code-server ${server.origin}, workspace ${folder}`);
    return new Bench(server, browser, workbench, folder, specFile, spec);
  }

  private get view(): TrainingView {
    return new TrainingView(this.workbench.webviewFrame());
  }

  private runs(): RunInfo[] {
    return listRuns(path.join(this.folder, '.gan-runs')).filter((r) => path.resolve(r.specFile) === this.specFile);
  }

  async prepare(): Promise<void> {
    await this.workbench.openFile(this.spec.file);
    await this.workbench.codeLens('Train').waitFor({ timeout: 60_000 });
  }

  /** One training run from the palette, with the Training view open beside the editor or the panel closed. */
  async measure(mode: Mode, warmup: boolean): Promise<Measured> {
    const wb = this.workbench;
    await wb.runCommand('Notifications: Clear All Notifications');
    const panelTab = wb.page.locator('.tab[aria-label^="GAN Studio"]');
    if (mode === 'closed' && (await panelTab.count()) > 0) await wb.closeTab((await panelTab.first().getAttribute('aria-label'))!.split(',')[0]);
    await wb.focusEditor();
    if (mode === 'open') {
      await wb.runCommand('GAN Studio: Show Training');
      // Up to 60 s: a webview opened right after another was closed can wait for the old
      // one's service worker (VS Code 1.100 web); the run starts only once the view is up.
      await this.view.waitUntilShown(60_000);
      await wb.focusEditor();
    }
    const before = new Set(this.runs().map((r) => r.id));
    const meter = new CpuMeter();
    meter.start();
    await wb.runCommand('GAN Studio: Train');
    const run = await waitFor('the new run to start', () => this.runs().find((r) => !before.has(r.id)), 60_000);
    const done = await waitFor(
      `run ${path.basename(run.dir)} to finish`,
      () => {
        const info = this.runs().find((r) => r.id === run.id);
        return info && ['completed', 'stopped', 'failed'].includes(info.status) ? info : undefined;
      },
      30 * 60_000,
    );
    const cpu = meter.stop();
    if (done.status !== 'completed') throw new Error(`run ${done.dir} ended ${done.status}: ${done.message ?? ''}`);
    const result: Measured = { mode, warmup, run: path.basename(done.dir), ...throughput(done, this.spec.batchSize), cpu };
    if (mode === 'open') {
      // The panel really was drawing this run: its chart holds every step.
      const chart = await this.view.waitForCurve(done.step, 30_000);
      result.panelPoints = chart.points;
    }
    // Let the trainer's process end and the workbench settle before the next run.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return result;
  }

  async stop(): Promise<void> {
    await this.workbench.close().catch(() => undefined);
    await this.browser.close().catch(() => undefined);
    await this.server.stop();
  }
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const spec = benchSpec(options);
  // Fails here, before starting anything, if an edit no longer fits the example.
  specVariant(readFileSync(path.join(REPO_ROOT, 'examples', spec.example), 'utf8'), spec.edits);
  console.log(`Panel overhead: ${spec.example} for ${spec.steps} steps (batch ${spec.batchSize}), ${options.reps} run(s) with the Training view open and ${options.reps} with the panel closed, interleaved; ${options.warmup} warm-up run(s).`);
  const started = Date.now();
  const bench = await Bench.start(spec);
  const results: Measured[] = [];
  try {
    await bench.prepare();
    for (let i = 0; i < options.warmup; i++) {
      const r = await bench.measure('closed', true);
      console.log(`  warm-up          ${r.imagesPerSecond.toFixed(0).padStart(8)} images/s  (${r.seconds.toFixed(1)} s; ${cpuLine(r.cpu)})`);
      results.push(r);
    }
    // ABBA order: closed, open, open, closed, closed, open, …
    const order: Mode[] = [];
    for (let i = 0; i < options.reps; i++) order.push(...((i % 2 === 0 ? ['closed', 'open'] : ['open', 'closed']) as Mode[]));
    for (const mode of order) {
      const r = await bench.measure(mode, false);
      console.log(`  panel ${mode.padEnd(6)}     ${r.imagesPerSecond.toFixed(0).padStart(8)} images/s  (${r.seconds.toFixed(1)} s; ${cpuLine(r.cpu)}${r.panelPoints !== undefined ? `; chart drew ${r.panelPoints} points` : ''})`);
      results.push(r);
    }
  } finally {
    await bench.stop();
  }
  const of = (mode: Mode) => results.filter((r) => !r.warmup && r.mode === mode).map((r) => r.imagesPerSecond);
  const closed = median(of('closed'));
  const open = median(of('open'));
  const ratio = open / closed;
  const slowdown = 1 - ratio;
  const meets = slowdown <= TARGET_SLOWDOWN;
  console.log('');
  console.log(`median images/s, panel closed: ${closed.toFixed(1)}`);
  console.log(`median images/s, panel open:   ${open.toFixed(1)}`);
  console.log(`open / closed = ${ratio.toFixed(3)}: the panel costs ${(slowdown * 100).toFixed(1)} % (target ≤ ${TARGET_SLOWDOWN * 100} %) → ${meets ? 'MEETS the target' : 'MISSES the target'}`);
  for (const mode of ['closed', 'open'] as Mode[]) {
    const runs = results.filter((r) => !r.warmup && r.mode === mode);
    const groups = Object.keys(runs[0].cpu) as ProcessGroup[];
    const medians = Object.fromEntries(groups.map((g) => [g, median(runs.map((r) => r.cpu[g]))])) as Record<ProcessGroup, number>;
    console.log(`median CPU seconds per run, panel ${mode}: ${cpuLine(medians)}`);
  }
  console.log(`(${((Date.now() - started) / 1000).toFixed(0)} s in all)`);
  writeFileSync(options.json, JSON.stringify({ options, spec: { example: spec.example, steps: spec.steps, batchSize: spec.batchSize }, results, median: { closed, open }, ratio, slowdown, target: TARGET_SLOWDOWN, meets, date: new Date().toISOString() }, null, 2) + '\n');
  console.log(`results: ${path.relative(process.cwd(), options.json)}`);
  return meets ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(2);
  },
);
