/** `gan-studio walk RUN --frames 16 --out walk.png`: the lecture's walk in the latent space. */
import { resolve } from 'node:path';
import { CliCommand, UsageError } from './command';
import { backendFromArgs, integerFlag, parseArgsFor, runFromArgs, runOneShot } from './sample';
import { DEFAULT_RUNS_DIR } from './train';

export const walkCommand: CliCommand = {
  summary: 'draw a walk between two latent vectors of a run as a strip PNG',
  usage: `gan-studio walk RUN --out FILE.png [--frames 16] [--from I] [--to J] [--runs DIR] [--backend B]

Loads RUN's latest checkpoint and draws the generator's outputs along the great circle
(spherical interpolation) from latent vector I to latent vector J of the run's fixed
sample batch (sample pictures number them row by row from 0), as one strip of frames.
RUN is a run folder, the name of one in --runs (default ./${DEFAULT_RUNS_DIR}), or "latest".

  --frames N   frames in the strip, 2 to 256 (default 16)
  --from I     start: index into the fixed batch (default 0)
  --to J       end (default 1)`,
  async run(args, io) {
    const parsed = parseArgsFor(args, ['out', 'frames', 'from', 'to', 'runs', 'backend', 'tfjs-path']);
    const out = parsed.flags.get('out') as string | undefined;
    if (!out) throw new UsageError('give --out FILE.png');
    const frames = integerFlag(parsed, 'frames', 2, 256) ?? 16;
    const from = integerFlag(parsed, 'from', 0, 1_000_000);
    const to = integerFlag(parsed, 'to', 0, 1_000_000);
    return runOneShot({ kind: 'walk', runDir: runFromArgs(parsed, io), out: resolve(io.cwd, out), frames, from, to, ...backendFromArgs(parsed, io) }, io);
  },
};
