/**
 * Helpers shared by the tests of this folder (not used by the engine).
 */
import * as tf from '@tensorflow/tfjs';
import { setupWasmBackend, WasmSetupReport } from './setup';

/** Deterministic pseudo-random floats in [lo, hi) (a linear congruential generator). */
export function randomData(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = (seed * 2654435761) >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((hi - lo) * s) / 4294967296;
  }
  return out;
}

export function randomTensor(shape: number[], seed: number, lo = -1, hi = 1): tf.Tensor {
  return tf.tensor(randomData(shape.reduce((a, b) => a * b, 1), seed, lo, hi), shape, 'float32');
}

let setup: Promise<WasmSetupReport> | undefined;

/** setupWasmBackend once per process (tests share the tfjs engine). */
export function ensureWasm(): Promise<WasmSetupReport> {
  if (!setup) setup = setupWasmBackend();
  return setup;
}

/** Runs `f` on a backend and returns every output's values (tensors are disposed). */
export async function runOn(backend: string, f: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const r = f();
    return (Array.isArray(r) ? r : [r]).map((t) => Float32Array.from(t.dataSync() as ArrayLike<number>));
  });
}

export interface Difference {
  maxAbs: number;
  /** max |wasm - cpu| / max(1, max |cpu|) */
  relative: number;
}

export function difference(ref: Float32Array[], got: Float32Array[]): Difference {
  if (ref.length !== got.length) throw new Error(`${got.length} outputs, expected ${ref.length}`);
  let maxAbs = 0;
  let scale = 1;
  ref.forEach((r, i) => {
    const g = got[i];
    if (r.length !== g.length) throw new Error(`output ${i}: ${g.length} values, expected ${r.length}`);
    for (let j = 0; j < r.length; j++) {
      const d = Math.abs(r[j] - g[j]);
      if (!(d <= maxAbs)) maxAbs = Number.isNaN(d) ? Infinity : d;
      scale = Math.max(scale, Math.abs(r[j]));
    }
  });
  return { maxAbs, relative: maxAbs / scale };
}

/** Float32 agreement for sums of up to a few thousand products of O(1) values. */
export const FLOAT32_TOLERANCE = 2e-5;

/** Restores the backend that was active before a suite. */
export function rememberBackend(): () => Promise<void> {
  const previous = tf.getBackend();
  return async () => {
    if (previous && previous !== tf.getBackend()) await tf.setBackend(previous);
  };
}

/**
 * Call inside a `describe`: its tests run on the wasm backend (with GAN Studio's kernels
 * registered), and the backend active before is restored afterwards.
 */
export function useWasmBackend(): void {
  let restore: () => Promise<void>;
  before(async () => {
    restore = rememberBackend();
    await ensureWasm();
    await tf.setBackend('wasm');
  });
  after(async () => restore());
}

/**
 * A small conv regressor with deterministic weights and data, used by the
 * data-parallel test (the same in the test and in its workers).
 */
export function tinyRegressor(): { model: tf.Sequential; x: tf.Tensor; y: tf.Tensor } {
  const L = tf.layers;
  const model = tf.sequential({
    layers: [
      L.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', inputShape: [6, 6, 2] }),
      L.leakyReLU({ alpha: 0.2 }),
      L.flatten(),
      L.dense({ units: 1 }),
    ],
  });
  model.setWeights(model.getWeights().map((w, i) => tf.tensor(randomData(w.size, 300 + i, -0.5, 0.5), w.shape)));
  return { model, x: randomTensor([8, 6, 6, 2], 1), y: randomTensor([8, 1], 2) };
}

export function regressorLoss(model: tf.Sequential, x: tf.Tensor, y: tf.Tensor): tf.Scalar {
  return tf.mean(tf.square(tf.sub(model.apply(x) as tf.Tensor, y))) as tf.Scalar;
}
