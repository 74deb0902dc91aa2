/**
 * Choosing the TensorFlow.js backend at run time.
 *
 * Order, unless the user forces one: tfjs-node-gpu (CUDA) → tfjs-node (native CPU) →
 * WebAssembly → the pure-JS `cpu` backend. The native packages are optional: installing
 * them downloads libtensorflow, which these build machines cannot do, so they are looked
 * up at run time — beside GAN Studio (node_modules), in folders the user names (a global
 * npm prefix, the extension's global storage) and in $GAN_STUDIO_TFJS_PATH — and never
 * needed to build or test. Whatever happens, the report says which backend runs and why
 * each better one did not.
 *
 * A native package loaded from another folder carries its own copy of tfjs-core; that
 * works because tfjs keeps its engine and kernel registry in one global namespace, so the
 * `tensorflow` backend it registers is visible to our bundled copy.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { BackendReport } from '../protocol';
import { setupWasmBackend } from './wasm';

export type BackendChoice = 'auto' | 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu';

export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'];

/** Short names users type, e.g. `--backend gpu`. */
const ALIASES: Record<string, BackendChoice> = {
  auto: 'auto',
  gpu: 'tfjs-node-gpu',
  'tfjs-node-gpu': 'tfjs-node-gpu',
  node: 'tfjs-node',
  native: 'tfjs-node',
  tensorflow: 'tfjs-node',
  'tfjs-node': 'tfjs-node',
  wasm: 'wasm',
  cpu: 'cpu',
};

export function parseBackendChoice(text: string): BackendChoice | undefined {
  return ALIASES[text.trim().toLowerCase()];
}

/** The environment variable naming extra folders (path-list) to look for tfjs-node(-gpu) in. */
export const TFJS_PATH_ENV = 'GAN_STUDIO_TFJS_PATH';

/**
 * Sets up an improved WebAssembly backend (the `wasm` helper's kernels and threads).
 * When given, it replaces the stock set-up; it must leave `wasm` registered and active.
 */
export type WasmSetup = (options: { wasmDir: string }) => Promise<{ threads?: number; notes?: string[] } | void>;

export interface BackendOptions {
  choice?: BackendChoice;
  /** Folders to search for the native packages besides GAN Studio's own node_modules. */
  searchPaths?: string[];
  /** Kernels the models need for training; a backend lacking one is skipped (or, when forced, fails). */
  requiredKernels?: string[];
  /** Folder with tfjs' .wasm binaries; found automatically when absent. */
  wasmDir?: string;
  wasmSetup?: WasmSetup;
  /** Environment to read TFJS_PATH_ENV from (tests pass their own). */
  env?: NodeJS.ProcessEnv;
}

export class BackendError extends Error {
  constructor(message: string, readonly report: BackendReport) {
    super(message);
  }
}

type Attempt = { ok: true; threads?: number; notes?: string[] } | { ok: false; reason: string };

/**
 * Activates the best available backend (or the forced one) and says what happened.
 * Throws BackendError when a forced backend cannot be used.
 */
export async function resolveBackend(options: BackendOptions = {}): Promise<BackendReport> {
  const choice = options.choice ?? 'auto';
  const order: Exclude<BackendChoice, 'auto'>[] = choice === 'auto' ? ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] : [choice];
  const notes: string[] = [];
  // The cpu backend's "install tfjs-node" banner is noise here: the report says it better.
  tf.env().set('PROD', true);
  for (const candidate of order) {
    const attempt = await tryBackend(candidate, options);
    if (attempt.ok) {
      const missing = missingKernels(tf.getBackend(), options.requiredKernels ?? []);
      if (missing.length > 0) {
        const reason = `lacks the kernel${missing.length > 1 ? 's' : ''} ${missing.join(', ')} that training these layers needs`;
        if (choice !== 'auto') throw new BackendError(`The ${candidate} backend ${reason}.`, { name: tf.getBackend(), notes: [...notes, `${candidate}: ${reason}`], gpu: false });
        notes.push(`${candidate}: ${reason}`);
        continue;
      }
      notes.push(...(attempt.notes ?? []));
      return { name: tf.getBackend(), notes, gpu: candidate === 'tfjs-node-gpu', threads: attempt.threads };
    }
    notes.push(`${candidate}: ${attempt.reason}`);
    if (choice !== 'auto') throw new BackendError(`Cannot use the ${candidate} backend: ${attempt.reason}`, { name: 'none', notes, gpu: false });
  }
  // Only when even the cpu backend lacks a required kernel.
  throw new BackendError(`No TensorFlow.js backend can train this GAN: ${notes.join('; ')}.`, { name: 'none', notes, gpu: false });
}

async function tryBackend(candidate: Exclude<BackendChoice, 'auto'>, options: BackendOptions): Promise<Attempt> {
  switch (candidate) {
    case 'tfjs-node-gpu':
    case 'tfjs-node':
      return tryNative(candidate, options);
    case 'wasm':
      return tryWasm(options);
    case 'cpu':
      return (await tf.setBackend('cpu')) ? { ok: true, threads: 1 } : { ok: false, reason: 'failed to start' };
  }
}

// ---------------------------------------------------------------------------------------
// Native backends

/** Where a package could be, in search order. */
export function nativeCandidates(pkg: string, searchPaths: string[]): string[] {
  const found: string[] = [];
  try {
    // GAN Studio's own node_modules (or the CLI's global install beside it).
    found.push(dirname(require.resolve(`${pkg}/package.json`)));
  } catch {
    // Not installed beside us.
  }
  for (const folder of searchPaths) {
    // The folder may be a project (…/node_modules/pkg), a node_modules folder (…/pkg) or an npm prefix (…/lib/node_modules/pkg).
    for (const dir of [join(folder, 'node_modules', pkg), join(folder, pkg), join(folder, 'lib', 'node_modules', pkg)]) {
      if (existsSync(join(dir, 'package.json')) && !found.includes(dir)) found.push(dir);
    }
  }
  return found;
}

export function searchPathsFrom(options: BackendOptions): string[] {
  const env = options.env ?? process.env;
  const fromEnv = (env[TFJS_PATH_ENV] ?? '').split(process.platform === 'win32' ? ';' : ':').filter((p) => p.length > 0);
  return [...(options.searchPaths ?? []), ...fromEnv];
}

async function tryNative(pkg: 'tfjs-node-gpu' | 'tfjs-node', options: BackendOptions): Promise<Attempt> {
  const name = `@tensorflow/${pkg}`;
  const dirs = nativeCandidates(name, searchPathsFrom(options));
  if (dirs.length === 0) {
    const where = searchPathsFrom(options);
    return { ok: false, reason: `not installed${where.length ? ` (looked beside GAN Studio and in ${where.join(', ')})` : ''}` };
  }
  const failures: string[] = [];
  for (const dir of dirs) {
    const version = packageVersion(dir);
    if (version && !version.startsWith('4.')) {
      failures.push(`${dir} is version ${version}; GAN Studio needs 4.x`);
      continue;
    }
    try {
      // A computed require: bundlers must leave it alone, and the package is optional.
      const load = createRequire(join(dir, 'package.json'));
      load(dir);
    } catch (error) {
      failures.push(`failed to load from ${dir}: ${firstLine(error)}${pkg === 'tfjs-node-gpu' ? cudaHint(error) : ''}`);
      continue;
    }
    if (!tf.findBackend('tensorflow') || !(await tf.setBackend('tensorflow'))) {
      failures.push(`loaded from ${dir} but its "tensorflow" backend did not start`);
      continue;
    }
    return { ok: true, notes: [`${pkg}: loaded ${version ?? ''} from ${dir}`.replace('  ', ' ')] };
  }
  return { ok: false, reason: failures.join('; ') };
}

function packageVersion(dir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].trim();
}

/** What users most often miss when the GPU package does not load. */
export function cudaHint(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/libcud|cudnn|libcublas|libcufft|libcurand|libcusolver|libcusparse|nvidia/i.test(message)) {
    return ' — tfjs-node-gpu 4.x needs CUDA 11.2 and cuDNN 8.1 on the library path';
  }
  return '';
}

// ---------------------------------------------------------------------------------------
// WebAssembly

/** The folder holding tfjs-backend-wasm's .wasm files: dist/wasm/ beside the bundle, else the package. */
export function findWasmDir(): string | undefined {
  const candidates = [join(__dirname, 'wasm'), join(__dirname, '..', 'wasm'), join(__dirname, '..', '..', 'dist', 'wasm')];
  try {
    candidates.push(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist'));
  } catch {
    // Bundled without node_modules: only the copied binaries can serve.
  }
  return candidates.find((dir) => existsSync(join(dir, 'tfjs-backend-wasm.wasm')));
}

/** GAN Studio's WebAssembly set-up (src/engine/wasm): the kernels tfjs-backend-wasm lacks, faster ones, SIMD. */
const defaultWasmSetup: WasmSetup = async ({ wasmDir }) => {
  const report = await setupWasmBackend({ wasmDir });
  const kernels = [
    report.kernelsAdded.length ? `added ${report.kernelsAdded.join(', ')}` : '',
    report.kernelsReplaced.length ? `replaced ${report.kernelsReplaced.length} slow kernels` : '',
  ].filter(Boolean);
  return {
    threads: report.threadsPerInstance,
    notes: [`wasm: ${report.simd ? 'SIMD' : 'no SIMD'}${report.fma ? ' + FMA' : ''}${kernels.length ? `; ${kernels.join('; ')}` : ''}`],
  };
};

async function tryWasm(options: BackendOptions): Promise<Attempt> {
  const wasmDir = options.wasmDir ?? findWasmDir();
  if (!wasmDir) return { ok: false, reason: 'tfjs-backend-wasm.wasm not found (expected in dist/wasm/)' };
  const dir = wasmDir.endsWith('/') ? wasmDir : wasmDir + '/';
  const setup = options.wasmSetup ?? defaultWasmSetup;
  let setupFailure: string | undefined;
  try {
    const result = (await setup({ wasmDir: dir })) ?? {};
    if (tf.getBackend() === 'wasm' || (await tf.setBackend('wasm'))) return { ok: true, threads: result.threads ?? 1, notes: result.notes };
    setupFailure = 'the set-up did not activate wasm';
  } catch (error) {
    setupFailure = firstLine(error);
  }
  // Stock tfjs-backend-wasm still trains dense networks.
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    if (!tf.findBackend('wasm')) wasm.setWasmPaths(dir);
    if (!(await tf.setBackend('wasm'))) return { ok: false, reason: `failed to initialise (${setupFailure})` };
    return { ok: true, threads: 1, notes: [`wasm: GAN Studio's kernels did not load (${setupFailure}); stock tfjs-backend-wasm`] };
  } catch (error) {
    return { ok: false, reason: `failed to initialise: ${firstLine(error)}` };
  }
}

// ---------------------------------------------------------------------------------------
// Kernels

export function missingKernels(backend: string, kernels: string[]): string[] {
  return kernels.filter((name) => tf.getKernel(name, backend) === undefined);
}

/** The kernels whose absence would break training of a network with these layer types. */
export function kernelsForLayerTypes(types: Iterable<string>): string[] {
  const kernels = new Set<string>();
  for (const type of types) {
    if (type === 'conv2d' || type === 'conv2dTranspose') {
      kernels.add('Conv2D');
      kernels.add('Conv2DBackpropInput');
      kernels.add('Conv2DBackpropFilter');
    }
    if (type === 'upsample') {
      kernels.add('ResizeNearestNeighborGrad');
      kernels.add('ResizeBilinearGrad');
    }
  }
  return [...kernels];
}
