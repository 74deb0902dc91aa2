/**
 * Benchmark: one GAN training step (one D step + one G step, batch 64, Adam)
 * of two architectures (bench/gan.ts) on
 *   - tfjs wasm with GAN Studio's kernels, one instance (one core, exact
 *     whole-batch semantics);
 *   - the same, data-parallel on W worker threads (src/engine/wasm/dataParallel.ts);
 *   - tfjs wasm with only the missing kernels supplied (the stock baseline);
 *   - tfjs cpu (one step, only with --cpu: it takes minutes);
 *   - PyTorch (bench/pytorch_step.py, as a child process) when importable,
 *     with several thread settings; the fastest is the reference.
 * Medians of interleaved rounds; wall time per step, and CPU time for the
 * single-instance run (less sensitive to other processes on the machine).
 *
 *   npx tsc -p . && node out/bench/training-step.js [--quick] [--rounds N]
 *     [--steps N] [--workers N] [--arch small-dcgan,tf-dcgan] [--cpu]
 *     [--no-baseline] [--no-pytorch] [--no-fma]
 *
 * The same file is the worker script of the data-parallel runs.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isMainThread, parentPort, Worker, workerData } from 'worker_threads';
import * as tf from '@tensorflow/tfjs';
import { setupWasmBackend } from '../src/engine/wasm';
import { GradientExchange, joinWorkers, parameterCount, startWorkers } from '../src/engine/wasm/dataParallel';
import { Arch, ARCHS, buildGan, fakeReal, Gan, makeTrainer, stepFlops, Trainer } from './gan';

interface Options {
  archs: Arch[];
  rounds: number;
  steps: number;
  warmup: number;
  batch: number;
  workers: number;
  cpu: boolean;
  baseline: boolean;
  pytorch: boolean;
  fma: boolean;
  quick: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    archs: [...ARCHS],
    rounds: 3,
    steps: 5,
    warmup: 2,
    batch: 64,
    workers: Math.max(1, Math.min(os.cpus().length, 4)),
    cpu: false,
    baseline: true,
    pytorch: true,
    fma: true,
    quick: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => argv[++i];
    if (a === '--quick') {
      o.quick = true;
      o.rounds = 1;
      o.steps = 3;
    } else if (a === '--rounds') o.rounds = Number(next());
    else if (a === '--steps') o.steps = Number(next());
    else if (a === '--warmup') o.warmup = Number(next());
    else if (a === '--batch') o.batch = Number(next());
    else if (a === '--workers') o.workers = Number(next());
    else if (a === '--arch') o.archs = next().split(',') as Arch[];
    else if (a === '--cpu') o.cpu = true;
    else if (a === '--no-baseline') o.baseline = false;
    else if (a === '--no-pytorch') o.pytorch = false;
    else if (a === '--no-fma') o.fma = false;
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

const median = (xs: number[]): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ---------------------------------------------------------------- workers

type ToWorker = { type: 'run'; arch: Arch; steps: number } | { type: 'exit' };
type FromWorker =
  | { type: 'ready'; rank: number; fma: boolean }
  | { type: 'done'; rank: number; times: number[] }
  | { type: 'error'; message: string };

interface WorkerUser {
  role: 'data-parallel' | 'baseline';
  archs: Arch[];
  batch: number;
  warmup: number;
  fma: boolean;
}

/** One data-parallel (or baseline) worker: builds the GANs, then runs steps on request. */
async function workerMain(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const data = workerData as { user: WorkerUser; ganStudioDataParallel?: unknown };
  const user = data.user;
  const exchange = user.role === 'data-parallel' ? joinWorkers<WorkerUser>(workerData).exchange : undefined;
  try {
    const report = await setupWasmBackend({ fma: user.fma, kernels: user.role === 'baseline' ? 'missing' : 'all' });
    const rank = exchange?.rank ?? 0;
    const shard = exchange ? user.batch / exchange.workers : user.batch;
    const gans = new Map<Arch, { gan: Gan; trainer: Trainer; real: tf.Tensor4D }>();
    for (const arch of user.archs) {
      const gan = buildGan(arch);
      const trainer = makeTrainer(gan);
      if (exchange) {
        // Same initial weights everywhere: worker 0's.
        exchange.broadcastFrom(0, [...gan.g.weights, ...gan.d.weights].map((w) => w.read() as tf.Variable));
      }
      const real = fakeReal(shard);
      gans.set(arch, { gan, trainer, real });
      for (let i = 0; i < user.warmup; i++) step(trainer, real, shard, exchange);
    }
    port.postMessage({ type: 'ready', rank, fma: report.fma } satisfies FromWorker);
    port.on('message', (msg: ToWorker) => {
      if (msg.type === 'exit') {
        process.exit(0);
      }
      const g = gans.get(msg.arch);
      if (!g) return;
      const times: number[] = [];
      for (let i = 0; i < msg.steps; i++) {
        const t0 = performance.now();
        step(g.trainer, g.real, shard, exchange);
        times.push(performance.now() - t0);
      }
      port.postMessage({ type: 'done', rank, times } satisfies FromWorker);
    });
  } catch (e) {
    port.postMessage({ type: 'error', message: String((e as Error).stack ?? e) } satisfies FromWorker);
  }
}

/** One training step; with an exchange, gradients are averaged over the workers. */
function step(trainer: Trainer, real: tf.Tensor4D, batch: number, exchange?: GradientExchange): void {
  if (!exchange) {
    trainer.step(real);
    return;
  }
  const d = trainer.dGrads(real);
  const dAvg = exchange.allReduceGradients(d.grads);
  trainer.optD.applyGradients(dAvg);
  tf.dispose([d.loss, d.grads, dAvg]);
  const g = trainer.gGrads(batch);
  const gAvg = exchange.allReduceGradients(g.grads);
  trainer.optG.applyGradients(gAvg);
  tf.dispose([g.loss, g.grads, gAvg]);
}

class WorkerGroup {
  readonly fma: boolean[] = [];
  private constructor(readonly workers: Worker[]) {}

  static async start(script: string, count: number, user: WorkerUser, maxFloats: number): Promise<WorkerGroup> {
    const workers =
      user.role === 'data-parallel'
        ? startWorkers(script, count, maxFloats, () => user)
        : [new Worker(script, { workerData: { user } })];
    const group = new WorkerGroup(workers);
    await group.collect('ready');
    return group;
  }

  private collect(type: FromWorker['type']): Promise<FromWorker[]> {
    return Promise.all(
      this.workers.map(
        (w) =>
          new Promise<FromWorker>((resolve, reject) => {
            const done = (): void => {
              w.off('message', onMessage);
              w.off('error', onError);
            };
            const onError = (e: Error): void => {
              done();
              reject(e);
            };
            const onMessage = (m: FromWorker): void => {
              if (m.type === 'error') {
                done();
                reject(new Error(m.message));
              } else if (m.type === type) {
                done();
                if (m.type === 'ready') this.fma.push(m.fma);
                resolve(m);
              }
            };
            w.on('message', onMessage);
            w.on('error', onError);
          }),
      ),
    );
  }

  async run(arch: Arch, steps: number): Promise<number[]> {
    const done = this.collect('done');
    for (const w of this.workers) w.postMessage({ type: 'run', arch, steps } satisfies ToWorker);
    const replies = await done;
    const first = replies.find((r) => r.type === 'done' && r.rank === 0);
    return first && first.type === 'done' ? first.times : [];
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            w.once('exit', () => resolve());
            w.postMessage({ type: 'exit' } satisfies ToWorker);
          }),
      ),
    );
  }
}

// ---------------------------------------------------------------- PyTorch

interface TorchConfig {
  label: string;
  torchThreads: number;
  openblasThreads?: number;
}

const TORCH_CONFIGS: TorchConfig[] = [
  { label: 'torch 2 threads, OpenBLAS default', torchThreads: 2 },
  { label: 'torch 2 threads, OPENBLAS_NUM_THREADS=1', torchThreads: 2, openblasThreads: 1 },
  { label: 'torch 1 thread, OPENBLAS_NUM_THREADS=2', torchThreads: 1, openblasThreads: 2 },
];

interface TorchRun {
  torch: string;
  python: string;
  openblas: boolean;
  libblas: string | null;
  cpuCapability: string | null;
  peakRssMB: number;
  results: Array<{ arch: Arch; msPerStep: number; times: number[] }>;
  error?: string;
}

function findPython(): string | undefined {
  for (const py of ['python3', '/usr/bin/python3', 'python']) {
    const r = spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return undefined;
}

function pytorchScript(): string | undefined {
  const candidates = [
    path.join(__dirname, 'pytorch_step.py'),
    path.join(__dirname, '..', '..', 'bench', 'pytorch_step.py'),
    path.join(process.cwd(), 'bench', 'pytorch_step.py'),
  ];
  return candidates.find((c) => fs.existsSync(c));
}

function runTorch(py: string, script: string, cfg: TorchConfig, o: Options): TorchRun {
  const env = { ...process.env };
  if (cfg.openblasThreads !== undefined) env.OPENBLAS_NUM_THREADS = String(cfg.openblasThreads);
  else delete env.OPENBLAS_NUM_THREADS;
  const out = execFileSync(
    py,
    [script, '--steps', String(o.steps), '--warmup', String(o.warmup), '--threads', String(cfg.torchThreads), '--batch', String(o.batch), '--arch', o.archs.join(',')],
    { env, encoding: 'utf8', maxBuffer: 16 << 20 },
  );
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as TorchRun;
}

// ---------------------------------------------------------------- profile

interface KernelRow {
  name: string;
  ms: number;
  calls: number;
}

async function profileStep(trainer: Trainer, real: tf.Tensor4D): Promise<KernelRow[]> {
  const info = await tf.profile(() => trainer.step(real));
  const rows = new Map<string, KernelRow>();
  for (const k of info.kernels) {
    // Entries ending in __op are tfjs op scopes (customGrad), not kernels: they would count twice.
    if (k.name.endsWith('__op')) continue;
    const r = rows.get(k.name) ?? { name: k.name, ms: 0, calls: 0 };
    r.ms += k.kernelTimeMs as number;
    r.calls += 1;
    rows.set(k.name, r);
  }
  return [...rows.values()].sort((a, b) => b.ms - a.ms);
}

// ---------------------------------------------------------------- main

function fmt(n: number, digits = 0): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '—';
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const load = os.loadavg();
  console.log('GAN Studio training-step benchmark');
  console.log(
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, node ${process.version}, ` +
      `load average ${load.map((l) => l.toFixed(2)).join(' ')}`,
  );
  if (load[0] > os.cpus().length * 0.5) {
    console.log('warning: the machine is busy (load average above half the cores): wall times will be inflated');
  }
  console.log(`batch ${o.batch}, ${o.rounds} round(s) × ${o.steps} step(s) after ${o.warmup} warm-up step(s), medians\n`);

  const report = await setupWasmBackend({ fma: o.fma });
  console.log(
    `wasm: simd ${report.simd}, fma ${report.fma}, threads per instance ${report.threadsPerInstance}, ` +
      `binary ${report.wasmDir}`,
  );
  console.log(`  kernels added: ${report.kernelsAdded.join(', ')}`);
  console.log(`  kernels replaced: ${report.kernelsReplaced.join(', ')}`);
  console.log(`  gradients added: ${report.gradientsAdded.join(', ')}`);
  console.log(`  gradients replaced (faster, identical): ${report.gradientsReplaced.join(', ') || '(already)'}\n`);

  // Single instance in this thread.
  const local = new Map<Arch, { trainer: Trainer; real: tf.Tensor4D; params: number }>();
  let maxParams = 0;
  for (const arch of o.archs) {
    const gan = buildGan(arch);
    const trainer = makeTrainer(gan);
    const real = fakeReal(o.batch);
    for (let i = 0; i < o.warmup; i++) trainer.step(real);
    const params = parameterCount([...gan.g.weights, ...gan.d.weights].map((w) => w.read()));
    maxParams = Math.max(maxParams, params);
    local.set(arch, { trainer, real, params });
  }

  const script = __filename;
  const dp =
    o.workers > 1
      ? await WorkerGroup.start(script, o.workers, { role: 'data-parallel', archs: o.archs, batch: o.batch, warmup: o.warmup, fma: o.fma }, maxParams)
      : undefined;
  const baseline = o.baseline
    ? await WorkerGroup.start(script, 1, { role: 'baseline', archs: o.archs, batch: o.batch, warmup: 1, fma: o.fma }, 0)
    : undefined;

  const py = o.pytorch ? findPython() : undefined;
  const pyScript = pytorchScript();
  const torchConfigs = o.quick ? TORCH_CONFIGS.slice(1, 2) : TORCH_CONFIGS;
  if (!o.pytorch) console.log('pytorch: skipped (--no-pytorch)');
  else if (!py) console.log("pytorch: skipped (no python with 'import torch'; apt-get install python3-torch libopenblas0-pthread)");
  else if (!pyScript) console.log('pytorch: skipped (bench/pytorch_step.py not found)');

  const wall = new Map<string, number[]>();
  const cpu = new Map<string, number[]>();
  const push = (m: Map<string, number[]>, k: string, xs: number[]): void => {
    m.set(k, [...(m.get(k) ?? []), ...xs]);
  };
  const torchRuns: Array<{ cfg: TorchConfig; run: TorchRun }> = [];

  for (let round = 0; round < o.rounds; round++) {
    for (const arch of o.archs) {
      const l = local.get(arch);
      if (!l) continue;
      for (let i = 0; i < o.steps; i++) {
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        l.trainer.step(l.real);
        const c = process.cpuUsage(c0);
        push(wall, `wasm1:${arch}`, [performance.now() - t0]);
        push(cpu, `wasm1:${arch}`, [(c.user + c.system) / 1000]);
      }
      if (dp) push(wall, `wasmDP:${arch}`, await dp.run(arch, o.steps));
      if (baseline && round === 0) push(wall, `stock:${arch}`, await baseline.run(arch, Math.max(1, Math.min(3, o.steps))));
    }
    if (py && pyScript) {
      for (const cfg of torchConfigs) {
        try {
          const run = runTorch(py, pyScript, cfg, o);
          torchRuns.push({ cfg, run });
          for (const r of run.results) push(wall, `torch:${cfg.label}:${r.arch}`, r.times);
        } catch (e) {
          console.log(`pytorch (${cfg.label}) failed: ${(e as Error).message.split('\n')[0]}`);
        }
      }
    }
    console.log(`round ${round + 1}/${o.rounds} done (load ${os.loadavg()[0].toFixed(2)})`);
  }

  // cpu backend: one step, only on request.
  const cpuStep = new Map<Arch, number>();
  if (o.cpu) {
    await tf.setBackend('cpu');
    for (const arch of o.archs) {
      const trainer = makeTrainer(buildGan(arch));
      const real = fakeReal(o.batch);
      const t0 = performance.now();
      trainer.step(real);
      cpuStep.set(arch, performance.now() - t0);
    }
    await tf.setBackend('wasm');
  }

  const breakdown = new Map<Arch, KernelRow[]>();
  for (const arch of o.archs) {
    const l = local.get(arch);
    if (l) breakdown.set(arch, await profileStep(l.trainer, l.real));
  }

  // ---- report
  const torchBest = new Map<Arch, { ms: number; label: string }>();
  for (const arch of o.archs) {
    for (const cfg of torchConfigs) {
      const ms = median(wall.get(`torch:${cfg.label}:${arch}`) ?? []);
      const best = torchBest.get(arch);
      if (Number.isFinite(ms) && (!best || ms < best.ms)) torchBest.set(arch, { ms, label: cfg.label });
    }
  }
  const torchInfo = torchRuns[0]?.run;
  if (torchInfo) {
    console.log(
      `\npytorch ${torchInfo.torch} (${torchInfo.python}), ${torchInfo.cpuCapability ?? ''}; ` +
        `OpenBLAS loaded: ${torchInfo.openblas}; libblas.so.3 → ${torchInfo.libblas ?? '?'}; ` +
        `peak RSS ${fmt(Math.max(...torchRuns.map((t) => t.run.peakRssMB)))} MB`,
    );
  }

  const rows: string[][] = [['arch', 'engine', 'ms/step', 'images/s', 'GFLOP/s', '× PyTorch best']];
  for (const arch of o.archs) {
    const flops = stepFlops(arch, o.batch);
    const ref = torchBest.get(arch)?.ms ?? NaN;
    const line = (engine: string, ms: number): void => {
      rows.push([arch, engine, fmt(ms), fmt((o.batch * 1000) / ms, 1), fmt(flops / ms / 1e6, 1), fmt(ms / ref, 2)]);
    };
    line('wasm + GAN Studio kernels, 1 instance (wall)', median(wall.get(`wasm1:${arch}`) ?? []));
    line('wasm + GAN Studio kernels, 1 instance (CPU time)', median(cpu.get(`wasm1:${arch}`) ?? []));
    if (dp) line(`wasm + GAN Studio kernels, ${o.workers} workers data-parallel`, median(wall.get(`wasmDP:${arch}`) ?? []));
    if (baseline) line('wasm stock + missing kernels only', median(wall.get(`stock:${arch}`) ?? []));
    if (o.cpu) line('tfjs cpu (1 step)', cpuStep.get(arch) ?? NaN);
    else rows.push([arch, 'tfjs cpu', 'skipped', '', '', '(minutes per step; --cpu to time one)']);
    for (const cfg of torchConfigs) line(`PyTorch: ${cfg.label}`, median(wall.get(`torch:${cfg.label}:${arch}`) ?? []));
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  console.log('');
  for (const r of rows) console.log(r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));

  for (const [arch, list] of breakdown) {
    const total = list.reduce((s, r) => s + r.ms, 0);
    console.log(`\nper-kernel time, one step of ${arch} on 1 wasm instance (tf.profile; total ${fmt(total)} ms):`);
    for (const r of list.slice(0, 16)) {
      console.log(`  ${r.name.padEnd(28)} ${fmt(r.ms, 1).padStart(8)} ms  ${fmt((100 * r.ms) / total, 1).padStart(5)} %  ${String(r.calls).padStart(4)} calls`);
    }
  }
  const rss = process.resourceUsage().maxRSS / 1024;
  console.log(`\npeak RSS of this process (main + ${o.workers} workers + baseline worker): ${fmt(rss)} MB`);

  await dp?.stop();
  await baseline?.stop();
}

if (isMainThread) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  void workerMain();
}
