/**
 * `gan-studio train FILE`: checks the spec, then trains it in a trainer process (the same
 * one the extension uses), showing progress: a live bar on a terminal, plain lines
 * otherwise (CI logs, pipes). Ctrl-C stops cleanly with a checkpoint; a second Ctrl-C
 * kills the trainer (the last complete checkpoint stays).
 */
import { resolve } from 'node:path';
import { analyzeText, hasErrors } from '../spec';
import type { MetricPoint, TrainerEvent } from '../protocol';
import { resolveRunDir } from '../run/readers';
import { startTrainer } from '../trainer/client';
import type { TrainJob } from '../trainer/job';
import { CliCommand, CliIO, numberFlag, parseArgs, UsageError } from './command';
import { problemsAsJson, readSpecFile } from './validate';

export const DEFAULT_RUNS_DIR = '.gan-runs';

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

function formatLoss(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(3);
}

/** The numbers of one progress report: step, losses, D's verdicts, speed, time left. */
export function progressFields(point: MetricPoint, totalSteps: number): string[] {
  const fields = [`D ${formatLoss(point.dLoss)}`, `G ${formatLoss(point.gLoss)}`];
  if (point.dOfReal !== undefined && point.dOfFake !== undefined) fields.push(`D(x) ${point.dOfReal.toFixed(2)} D(G(z)) ${point.dOfFake.toFixed(2)}`);
  if (point.imagesPerSecond !== undefined) fields.push(`${point.imagesPerSecond >= 100 ? point.imagesPerSecond.toFixed(0) : point.imagesPerSecond.toFixed(1)} img/s`);
  if (point.stepsPerSecond) fields.push(`ETA ${formatDuration((totalSteps - point.step) / point.stepsPerSecond)}`);
  return fields;
}

/** One line for a terminal that fits `width` columns: the bar goes first when space is short, then fields from the end. */
export function progressBar(point: MetricPoint, totalSteps: number, width: number): string {
  const counter = `step ${point.step}/${totalSteps}`;
  const fraction = totalSteps > 0 ? Math.min(1, point.step / totalSteps) : 1;
  const percent = `${String(Math.floor(fraction * 100)).padStart(3)}%`;
  const fields = progressFields(point, totalSteps);
  for (let kept = fields.length; kept >= 0; kept--) {
    const tail = kept > 0 ? ` │ ${fields.slice(0, kept).join(' │ ')}` : '';
    const barWidth = Math.min(30, width - counter.length - percent.length - tail.length - 3);
    if (barWidth >= 10) {
      const filled = Math.round(fraction * barWidth);
      return `${counter} ${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)} ${percent}${tail}`;
    }
    const plain = `${counter} ${percent}${tail}`;
    if (plain.length <= width) return plain;
  }
  return `${counter} ${percent}`.slice(0, width);
}

export const trainCommand: CliCommand = {
  summary: 'train a .gan.json (or resume a run) in a trainer process',
  usage: `gan-studio train FILE [--steps N] [--backend B] [--workers N] [--out DIR] [--resume RUN] [--tfjs-path DIR]

Checks FILE like \`validate\` (and refuses to train it with errors), then trains it in a
separate trainer process, writing a run folder in DIR (default ./${DEFAULT_RUNS_DIR}):
the frozen spec, metrics.jsonl, samples/, checkpoints/ and log.txt.
Ctrl-C stops after the current step and writes a checkpoint; resume with --resume.

  --steps N        train until step N (default: the spec's steps or epochs)
  --backend B      auto (default: tfjs-node-gpu, tfjs-node, wasm, cpu — the first that
                   works), or one of gpu, node, wasm, cpu
  --workers N      data-parallel worker threads on the wasm and cpu backends, each
                   training on an equal share of every batch on its own core: auto
                   (default: one per core, up to 4, when the batch splits into equal
                   shards big enough to gain, 8+ samples), or a number (shards of 2+);
                   1 trains in one thread. Native backends use 1 (and every core)
  --out DIR        the runs folder (default ./${DEFAULT_RUNS_DIR})
  --resume RUN     continue RUN (a run folder, or its name in the runs folder, or
                   "latest") from its latest checkpoint; FILE may then be left out
  --tfjs-path DIR  also look for @tensorflow/tfjs-node(-gpu) in DIR (e.g. a global npm
                   prefix); repeatable through $GAN_STUDIO_TFJS_PATH (a path list)`,

  async run(args, io) {
    const parsed = parseArgs(args, { values: ['steps', 'backend', 'workers', 'out', 'resume', 'tfjs-path'] });
    const steps = numberFlag(parsed, 'steps', { integer: true, min: 1 });
    const workersFlag = parsed.flags.get('workers');
    const workers = workersFlag === undefined || workersFlag === 'auto' ? undefined : Number(workersFlag);
    if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) throw new UsageError(`--workers must be auto or a whole number ≥ 1, not "${workersFlag}"`);
    const runsDir = resolve(io.cwd, (parsed.flags.get('out') as string | undefined) ?? DEFAULT_RUNS_DIR);
    const resumeRef = parsed.flags.get('resume') as string | undefined;
    const tfjsPath = parsed.flags.get('tfjs-path') as string | undefined;
    const backend = parsed.flags.get('backend') as string | undefined;
    if (parsed.positional.length > 1) throw new UsageError('give one .gan.json file');

    const job: TrainJob = { kind: 'train', runsDir, steps, backend, workers, tfjsPaths: tfjsPath ? [resolve(io.cwd, tfjsPath)] : undefined };
    if (resumeRef) {
      const runDir = resolveRunDir(resumeRef, runsDir, io.cwd);
      if (!runDir) throw new UsageError(`no run "${resumeRef}" (give a run folder, or the name of one in ${runsDir})`);
      job.resume = runDir;
      if (parsed.positional.length === 1) io.stderr(`note: resuming ${runDir} with its own frozen spec; ${parsed.positional[0]} is not read\n`);
    } else {
      const file = parsed.positional[0];
      if (!file) throw new UsageError('give the .gan.json file to train');
      const analysis = analyzeText(readSpecFile(resolve(io.cwd, file)));
      const problems = problemsAsJson(file, analysis);
      for (const p of problems.problems) io.stderr(`${file}:${p.line}:${p.column}: ${p.severity}: ${p.message} [${p.code}]\n`);
      if (hasErrors(analysis.problems)) {
        const errors = problems.problems.filter((p) => p.severity === 'error').length;
        io.stderr(`${file}: ${errors} error${errors === 1 ? '' : 's'}; not training.\n`);
        return 1;
      }
      job.specFile = resolve(io.cwd, file);
    }
    return train(job, io);
  },
};

async function train(job: TrainJob, io: CliIO): Promise<number> {
  const trainer = startTrainer(job, { cwd: io.cwd });
  const columns = () => Math.max(40, (process.stdout.columns ?? 100) - 1);
  let totalSteps = 0;
  let barShown = false;
  let lastLineAt = 0;
  let lastLineStep = -1;
  let latest: MetricPoint | undefined;

  // On a terminal, messages go above the bar: clear it, print, draw it again.
  const say = (text: string, stream: 'stdout' | 'stderr' = 'stdout') => {
    if (io.isTTY && barShown) io.stdout('\r\x1b[2K');
    (stream === 'stdout' ? io.stdout : io.stderr)(text + '\n');
    if (io.isTTY && latest) io.stdout(progressBar(latest, totalSteps, columns()));
  };

  const onEvent = (event: TrainerEvent) => {
    switch (event.type) {
      case 'started': {
        totalSteps = event.totalSteps;
        const count = (n: number) => n.toLocaleString('en-US');
        say(`Training "${event.run.name}" on ${event.backend.name}${event.backend.gpu ? ' (GPU)' : ''}`);
        for (const note of event.backend.notes) say(`  backend: ${note}`);
        say(`  generator ${count(event.generator.trainableParams)} parameters, discriminator ${count(event.discriminator.trainableParams)}`);
        say(`  run folder ${event.run.dir}`);
        say(`  steps ${event.run.step} → ${event.totalSteps} (${event.stepsPerEpoch} per epoch)`);
        break;
      }
      case 'metrics': {
        latest = event.points[event.points.length - 1];
        if (io.isTTY) {
          io.stdout('\r\x1b[2K' + progressBar(latest, totalSteps, columns()));
          barShown = true;
        } else {
          // Plain lines: every 5% of the run or every 10 seconds, and the last step.
          const every = Math.max(1, Math.floor(totalSteps / 20));
          const due = latest.step - lastLineStep >= every || Date.now() - lastLineAt > 10_000 || latest.step === totalSteps;
          if (due) {
            io.stdout(`step ${latest.step}/${totalSteps}  ${progressFields(latest, totalSteps).join('  ')}\n`);
            lastLineAt = Date.now();
            lastLineStep = latest.step;
          }
        }
        break;
      }
      case 'samples':
        if (!io.isTTY) say(`  sample: ${event.sample.file}`);
        break;
      case 'checkpoint':
        say(`  checkpoint: step ${event.step}`);
        break;
      case 'warning':
        say(`warning: ${event.message}`, 'stderr');
        break;
      case 'error':
        say(`error: ${event.message}${event.detail ? `\n${event.detail}` : ''}`, 'stderr');
        break;
      case 'finished':
        if (io.isTTY && barShown) io.stdout('\n');
        barShown = false;
        latest = undefined;
        if (event.status !== 'failed') io.stdout(`${event.message ?? event.status}\n`);
        break;
      default:
        break;
    }
  };
  trainer.onEvent(onEvent);

  let interrupts = 0;
  const onInterrupt = () => {
    interrupts++;
    if (interrupts === 1) {
      say('Stopping after this step; writing a checkpoint… (Ctrl-C again to kill)', 'stderr');
      trainer.stop();
    } else {
      trainer.kill();
    }
  };
  process.on('SIGINT', onInterrupt);
  try {
    const exit = await trainer.exited;
    if (exit.crashed) {
      if (barShown) io.stdout('\n');
      io.stderr(`error: ${exit.summary}\n`);
      if (exit.stderrTail.length) io.stderr(exit.stderrTail.map((l) => `  ${l}`).join('\n') + '\n');
      return 1;
    }
    return exit.finished?.status === 'failed' ? 1 : 0;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
}
