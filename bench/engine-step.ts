/**
 * Benchmark: the REAL engine's training step — a TrainingSession built from a .gan.json
 * through src/engine (spec analysis, model building, data stream, losses, optimisers),
 * not hand-built models — on one core (session.trainStep(), what `--workers 1` runs) and
 * data-parallel on W worker threads (DataParallelTrainer, what `--workers W` runs).
 *
 *   dcgan-mnist   examples/dcgan-mnist.gan.json (TensorFlow's DCGAN tutorial) on the
 *                 bundled MNIST digits, batch overridden (default 64)
 *   small-dcgan   examples/dcgan-mnist-small.gan.json: the small DCGAN of
 *                 /work/shared/notes/tfjs-training-speed.md, same batch
 *
 * Rounds interleave the two engines (1 worker, then W workers, per architecture) so that
 * a change in the machine's load hits both alike; the report gives medians of wall time
 * per step, images/s (real images per second: batch × D steps / step time), the
 * speed-up, the load average around the runs, and the ratio to PyTorch
 * (bench/pytorch_step.py, same architectures) when `import torch` works.
 *
 *   npx tsc -p . && node out/bench/engine-step.js [--arch dcgan-mnist,small-dcgan]
 *     [--batch 64] [--workers 2] [--rounds 3] [--steps 4] [--warmup 2] [--backend wasm|cpu]
 *     [--no-pytorch]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { analyzeText } from '../src/spec';
import { resolveBackend } from '../src/engine/backend';
import { openDataSource } from '../src/engine/data';
import { DataParallelTrainer } from '../src/engine/parallel';
import { TrainingSession } from '../src/engine/training';

type Arch = 'dcgan-mnist' | 'small-dcgan';
const ARCHS: Arch[] = ['dcgan-mnist', 'small-dcgan'];
/** The architecture of bench/pytorch_step.py that matches each spec. */
const TORCH_ARCH: Record<Arch, string> = { 'dcgan-mnist': 'tf-dcgan', 'small-dcgan': 'small-dcgan' };

interface Options {
  archs: Arch[];
  batch: number;
  workers: number;
  rounds: number;
  steps: number;
  warmup: number;
  backend: 'wasm' | 'cpu';
  pytorch: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { archs: [...ARCHS], batch: 64, workers: 2, rounds: 3, steps: 4, warmup: 2, backend: 'wasm', pytorch: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => argv[++i];
    if (a === '--arch') o.archs = next().split(',') as Arch[];
    else if (a === '--batch') o.batch = Number(next());
    else if (a === '--workers') o.workers = Number(next());
    else if (a === '--rounds') o.rounds = Number(next());
    else if (a === '--steps') o.steps = Number(next());
    else if (a === '--warmup') o.warmup = Number(next());
    else if (a === '--backend') o.backend = next() as 'wasm' | 'cpu';
    else if (a === '--no-pytorch') o.pytorch = false;
    else throw new Error(`unknown option ${a}`);
  }
  for (const arch of o.archs) if (!ARCHS.includes(arch)) throw new Error(`unknown --arch ${arch} (${ARCHS.join(', ')})`);
  if (!(o.workers >= 2) || o.batch % o.workers !== 0) throw new Error(`--workers must be ≥ 2 and divide --batch ${o.batch}`);
  return o;
}

const median = (xs: number[]): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toFixed(digits) : '—');

function examplesDir(): string {
  const candidates = [join(__dirname, '..', '..', 'examples'), join(__dirname, '..', 'examples'), join(process.cwd(), 'examples')];
  const found = candidates.find((d) => existsSync(join(d, 'dcgan-mnist.gan.json')));
  if (!found) throw new Error(`examples/dcgan-mnist.gan.json not found (looked in ${candidates.join(', ')})`);
  if (!existsSync(join(found, 'data', 'mnist', 'train-images-idx3-ubyte.gz'))) throw new Error(`${found}/data/mnist is missing: run \`node esbuild.mjs\` once (it makes the MNIST files)`);
  return found;
}

/** The spec of one architecture (its example file), with the benchmark's batch size. */
function specFor(arch: Arch, dir: string, batch: number): Record<string, unknown> {
  // The small DCGAN of the speed notes ships as examples/dcgan-mnist-small.gan.json.
  const file = arch === 'dcgan-mnist' ? 'dcgan-mnist.gan.json' : 'dcgan-mnist-small.gan.json';
  // analyzeText reads .gan.json as the extension does (JSONC: comments and trailing commas allowed).
  const spec = analyzeText(readFileSync(join(dir, file), 'utf8')).spec!;
  return { ...spec, training: { ...spec.training, batchSize: batch } };
}

async function sessionFor(spec: Record<string, unknown>, dir: string): Promise<TrainingSession> {
  const analysis = analyzeText(JSON.stringify(spec));
  const errors = analysis.problems.filter((p) => p.severity === 'error');
  if (errors.length) throw new Error(`spec errors: ${errors.map((e) => e.message).join('; ')}`);
  const seed = analysis.spec!.training.seed ?? 0;
  const data = await openDataSource(analysis.spec!.data, { specDir: dir, seed, warn: () => undefined });
  return TrainingSession.create(analysis, data, { seed });
}

// ---------------------------------------------------------------- PyTorch (optional)

/**
 * PyTorch's median ms/step per architecture: the fastest of two thread settings (with
 * OpenBLAS, its own threads on top of PyTorch's can oversubscribe the cores), and a line
 * saying what ran. A string when PyTorch cannot run.
 */
function pytorchMs(o: Options): { ms: Map<Arch, number>; about: string } | string {
  if (!o.pytorch) return 'skipped (--no-pytorch)';
  const python = ['python3', '/usr/bin/python3'].find((py) => spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);
  if (!python) return "skipped (no python with 'import torch'; apt-get install python3-torch libopenblas0-pthread)";
  const script = [join(__dirname, 'pytorch_step.py'), join(__dirname, '..', '..', 'bench', 'pytorch_step.py'), join(process.cwd(), 'bench', 'pytorch_step.py')].find((f) => existsSync(f));
  if (!script) return 'skipped (bench/pytorch_step.py not found)';
  const archs = o.archs.map((a) => TORCH_ARCH[a]).join(',');
  const threads = os.cpus().length;
  const ms = new Map<Arch, number>();
  let about = '';
  for (const openblasThreads of [undefined, 1]) {
    const env = { ...process.env };
    if (openblasThreads === undefined) delete env.OPENBLAS_NUM_THREADS;
    else env.OPENBLAS_NUM_THREADS = String(openblasThreads);
    const out = execFileSync(python, [script, '--steps', String(o.rounds * o.steps), '--warmup', String(o.warmup), '--threads', String(threads), '--batch', String(o.batch), '--arch', archs], { env, encoding: 'utf8', maxBuffer: 16 << 20 });
    const run = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { torch?: string; openblas?: boolean; results?: Array<{ arch: string; msPerStep: number }>; error?: string };
    if (run.error) return `failed: ${run.error}`;
    about = `PyTorch ${run.torch}, ${threads} threads, OpenBLAS ${run.openblas ? 'loaded' : 'NOT loaded (reference BLAS: ~7× slower than it can be; apt-get install libopenblas0-pthread)'}; the faster of OPENBLAS_NUM_THREADS unset and 1`;
    for (const arch of o.archs) {
      const r = run.results?.find((x) => x.arch === TORCH_ARCH[arch]);
      if (r && !(r.msPerStep >= (ms.get(arch) ?? Infinity))) ms.set(arch, r.msPerStep);
    }
  }
  return { ms, about };
}

// ---------------------------------------------------------------- load

/**
 * How much CPU other processes took while the benchmark ran, in cores: the machine's busy
 * time (/proc/stat) less this process's own (all its threads). The load average cannot
 * tell: this benchmark's own workers raise it. NaN where /proc/stat is missing.
 */
function cpuMeter(): () => number {
  const busyMs = (): number => {
    try {
      const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
      const [user, nice, system, , , irq, softirq, steal] = fields;
      return ((user + nice + system + irq + softirq + (steal ?? 0)) * 1000) / 100; // USER_HZ = 100
    } catch {
      return NaN;
    }
  };
  const ownMs = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const [busy0, own0, t0] = [busyMs(), ownMs(), performance.now()];
  return () => Math.max(0, busyMs() - busy0 - (ownMs() - own0)) / (performance.now() - t0);
}

// ---------------------------------------------------------------- main

interface Engines {
  single: TrainingSession;
  parallelSession: TrainingSession;
  parallel: DataParallelTrainer;
  imagesPerStep: number;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const uptime = (): string => os.loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log('GAN Studio engine training step: 1 worker vs data-parallel workers');
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, node ${process.version}, load average ${uptime()}`);
  const backend = await resolveBackend({ choice: o.backend });
  console.log(`backend ${backend.name}${backend.notes.length ? ` (${backend.notes.join('; ')})` : ''}`);
  console.log(`batch ${o.batch}, ${o.workers} workers, ${o.rounds} round(s) × ${o.steps} step(s) after ${o.warmup} warm-up step(s), interleaved, medians\n`);

  const dir = examplesDir();
  const engines = new Map<Arch, Engines>();
  for (const arch of o.archs) {
    const spec = specFor(arch, dir, o.batch);
    const single = await sessionFor(spec, dir);
    const parallelSession = await sessionFor(spec, dir);
    const parallel = await DataParallelTrainer.start(parallelSession, { workers: o.workers, backend: backend.name });
    for (let i = 0; i < o.warmup; i++) {
      await single.trainStep();
      await parallel.trainStep();
    }
    engines.set(arch, { single, parallelSession, parallel, imagesPerStep: single.batchSize * single.discriminatorSteps });
    console.log(`${arch}: G ${single.gan.summary('generator').trainableParams.toLocaleString('en-US')} + D ${single.gan.summary('discriminator').trainableParams.toLocaleString('en-US')} parameters; started and warmed up`);
  }

  const times = new Map<string, number[]>();
  const push = (key: string, ms: number) => times.set(key, [...(times.get(key) ?? []), ms]);
  const loads: number[] = [os.loadavg()[0]];
  const others: number[] = [];
  for (let round = 0; round < o.rounds; round++) {
    const meter = cpuMeter();
    for (const [arch, e] of engines) {
      for (let i = 0; i < o.steps; i++) {
        const t0 = performance.now();
        await e.single.trainStep();
        push(`1:${arch}`, performance.now() - t0);
      }
      for (let i = 0; i < o.steps; i++) {
        const t0 = performance.now();
        await e.parallel.trainStep();
        push(`W:${arch}`, performance.now() - t0);
      }
    }
    loads.push(os.loadavg()[0]);
    others.push(meter());
    console.log(`round ${round + 1}/${o.rounds} done (load average ${uptime()}; other processes used ${fmt(others[round], 2)} cores)`);
  }

  const torch = pytorchMs(o);
  console.log(`\npytorch: ${typeof torch === 'string' ? torch : torch.about}`);

  const rows: string[][] = [['arch', 'engine', 'ms/step', 'images/s', 'speed-up', '× PyTorch']];
  for (const [arch, e] of engines) {
    const one = median(times.get(`1:${arch}`) ?? []);
    const many = median(times.get(`W:${arch}`) ?? []);
    const ref = typeof torch === 'string' ? NaN : torch.ms.get(arch) ?? NaN;
    const line = (engine: string, ms: number, speedUp: string) => rows.push([arch, engine, fmt(ms), fmt((e.imagesPerStep * 1000) / ms, 1), speedUp, fmt(ms / ref, 2)]);
    line('1 worker (session.trainStep)', one, '1.00');
    line(`${o.workers} workers (data-parallel)`, many, fmt(one / many, 2));
    if (Number.isFinite(ref)) line(`PyTorch, ${os.cpus().length} threads`, ref, fmt(one / ref, 2));
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  console.log('');
  for (const r of rows) console.log(r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
  const busiest = Math.max(...others);
  console.log(`\nload average (1 min, this benchmark included) during the rounds: ${loads.map((l) => l.toFixed(2)).join(' → ')} on ${os.cpus().length} cores`);
  console.log(`CPU taken by other processes per round: ${others.map((c) => fmt(c, 2)).join(', ')} cores${busiest > 0.2 ? ' — the machine was shared: wall times are inflated, the 2-worker speed-up most of all' : ' (a quiet machine)'}`);

  for (const e of engines.values()) {
    await e.parallel.close();
    e.parallelSession.dispose();
    e.single.dispose();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
