/** `gan-studio sample RUN --out grid.png`: a picture from a run's latest checkpoint. */
import { resolve } from 'node:path';
import { resolveRunDir } from '../run/readers';
import type { TrainerEvent } from '../protocol';
import { runTrainerJob } from '../trainer/client';
import type { BackendJobOptions, TrainerJob } from '../trainer/job';
import { CliCommand, CliIO, parseArgs, ParsedArgs, UsageError } from './command';
import { DEFAULT_RUNS_DIR } from './train';

/** Finds RUN (a folder, a name in --runs, or "latest"). */
export function runFromArgs(parsed: ParsedArgs, io: CliIO): string {
  if (parsed.positional.length !== 1) throw new UsageError('give one run (a run folder, its name in the runs folder, or "latest")');
  const runsDir = resolve(io.cwd, (parsed.flags.get('runs') as string | undefined) ?? DEFAULT_RUNS_DIR);
  const runDir = resolveRunDir(parsed.positional[0], runsDir, io.cwd);
  if (!runDir) throw new UsageError(`no run "${parsed.positional[0]}" (give a run folder, or the name of one in ${runsDir})`);
  return runDir;
}

export function backendFromArgs(parsed: ParsedArgs, io: CliIO): BackendJobOptions {
  const tfjsPath = parsed.flags.get('tfjs-path') as string | undefined;
  return { backend: parsed.flags.get('backend') as string | undefined, tfjsPaths: tfjsPath ? [resolve(io.cwd, tfjsPath)] : undefined };
}

/** Runs a one-shot job, printing its errors; the exit code. */
export async function runOneShot(job: TrainerJob, io: CliIO): Promise<number> {
  const exit = await runTrainerJob(
    job,
    (event: TrainerEvent) => {
      if (event.type === 'error') io.stderr(`error: ${event.message}${event.detail ? `\n${event.detail}` : ''}\n`);
      if (event.type === 'warning') io.stderr(`warning: ${event.message}\n`);
    },
    { cwd: io.cwd },
  );
  if (exit.crashed) {
    io.stderr(`error: ${exit.summary}\n${exit.stderrTail.map((l) => `  ${l}`).join('\n')}\n`);
    return 1;
  }
  if (exit.finished?.status !== 'completed') return 1;
  io.stdout(`${exit.finished.message}\n`);
  return 0;
}

export const sampleCommand: CliCommand = {
  summary: 'draw samples from a run\'s latest checkpoint into a PNG',
  usage: `gan-studio sample RUN --out FILE.png [--n 64] [--seed S] [--runs DIR] [--backend B]

Loads RUN's latest checkpoint and draws its generator's samples as a PNG grid (one row
per class for a conditional GAN; input | output | target rows for pix2pix; a scatter
plot with D's verdict behind it for 2-D data). RUN is a run folder, the name of one in
the runs folder (--runs, default ./${DEFAULT_RUNS_DIR}), or "latest".

  --n N        how many samples (default 64)
  --seed S     draw fresh latent vectors from seed S (default: the run's fixed batch,
               the one its sample pictures show)
  --backend B  auto, gpu, node, wasm or cpu`,
  async run(args, io) {
    const parsed = parseArgsFor(args, ['out', 'n', 'seed', 'runs', 'backend', 'tfjs-path']);
    const out = parsed.flags.get('out') as string | undefined;
    if (!out) throw new UsageError('give --out FILE.png');
    const count = integerFlag(parsed, 'n', 1, 1024);
    const seed = integerFlag(parsed, 'seed', 0, 2 ** 32 - 1);
    return runOneShot({ kind: 'sample', runDir: runFromArgs(parsed, io), out: resolve(io.cwd, out), count, seed, ...backendFromArgs(parsed, io) }, io);
  },
};

export function parseArgsFor(args: string[], values: string[]): ParsedArgs {
  return parseArgs(args, { values });
}

export function integerFlag(parsed: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const raw = parsed.flags.get(name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw === true || !Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
  return value;
}
