/**
 * A fused Adam update: one pass over p, g, m, v instead of eleven tfjs ops
 * (eleven passes, eleven tensors) per variable.
 *
 * Why: an optimiser written with tfjs ops (src/engine/optimizers.ts does, for
 * exact resume) costs ~11 element-wise kernels per variable and step. For a
 * pix2pix-sized model (57M parameters) that is ~700 ms of a 4.5 s step on one
 * core of these machines; fused it is one memory-bound pass.
 *
 * The arithmetic is the same float32 operations in the same order as
 *   m' = m·β1 + g·(1−β1);  v' = v·β2 + g²·(1−β2);
 *   p' = p − (m'·(lr/c1)) / (√(v'/c2) + ε),   c1 = 1−β1ᵗ, c2 = 1−β2ᵗ
 * written with tf.mul/add/div/sqrt (no FMA contraction), so the results are
 * bit-for-bit those of the op version (adam.test.ts checks it): a run that
 * switches between the two, or resumes on another backend, does not drift.
 *
 * Use adamUpdate(): it runs the fused kernel where one is registered for the
 * active backend (wasm, by setupWasmBackend) and the op version elsewhere.
 */
import * as tf from '@tensorflow/tfjs';
import { addressOf, simdRuntime } from '../simd/runtime';
import { asWasm, KernelArgs, sizeOf } from './common';

export const ADAM_KERNEL = 'GanStudioAdam';

export interface AdamHyper {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** the step number t = 1, 2, … of this update */
  step: number;
}

interface AdamAttrs {
  b1: number;
  omb1: number;
  b2: number;
  omb2: number;
  lrC1: number;
  c2: number;
  eps: number;
}

/** The scalars, computed in double precision as a JavaScript optimiser does. */
function attrsOf(h: AdamHyper): AdamAttrs {
  const c1 = 1 - Math.pow(h.beta1, h.step);
  const c2 = 1 - Math.pow(h.beta2, h.step);
  return { b1: h.beta1, omb1: 1 - h.beta1, b2: h.beta2, omb2: 1 - h.beta2, lrC1: h.learningRate / c1, c2, eps: h.epsilon };
}

function adamKernel(args: KernelArgs): tf.TensorInfo[] {
  const { p, g, m, v } = args.inputs as Record<'p' | 'g' | 'm' | 'v', tf.TensorInfo>;
  const a = args.attrs as unknown as AdamAttrs;
  const backend = asWasm(args.backend);
  const pOut = backend.makeOutput(p.shape, 'float32');
  const mOut = backend.makeOutput(p.shape, 'float32');
  const vOut = backend.makeOutput(p.shape, 'float32');
  const at = (t: tf.TensorInfo): number => addressOf(backend, t);
  simdRuntime(backend).vec.adam(
    at(p),
    at(g),
    at(m),
    at(v),
    at(pOut),
    at(mOut),
    at(vOut),
    sizeOf(p.shape),
    a.b1,
    a.omb1,
    a.b2,
    a.omb2,
    a.lrC1,
    a.c2,
    a.eps,
  );
  return [pOut, mOut, vOut];
}

export const adamConfig: tf.KernelConfig = {
  kernelName: ADAM_KERNEL,
  backendName: 'wasm',
  kernelFunc: adamKernel as unknown as tf.KernelConfig['kernelFunc'],
};

/** The same update with tfjs ops (any backend). */
export function adamUpdateWithOps(p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, h: AdamHyper): { p: tf.Tensor; m: tf.Tensor; v: tf.Tensor } {
  const a = attrsOf(h);
  return tf.tidy(() => {
    const m2 = tf.add(tf.mul(m, a.b1), tf.mul(g, a.omb1));
    const v2 = tf.add(tf.mul(v, a.b2), tf.mul(tf.square(g), a.omb2));
    const update = tf.div(tf.mul(m2, a.lrC1), tf.add(tf.sqrt(tf.div(v2, a.c2)), a.eps));
    return { p: tf.sub(p, update), m: m2, v: v2 };
  });
}

/**
 * New p, m, v after one Adam step (the inputs are not changed or disposed:
 * assign the results to the variables). float32 tensors of one shape.
 */
export function adamUpdate(p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, h: AdamHyper): { p: tf.Tensor; m: tf.Tensor; v: tf.Tensor } {
  if (tf.getKernel(ADAM_KERNEL, tf.getBackend()) == null) return adamUpdateWithOps(p, g, m, v, h);
  const [p2, m2, v2] = tf.engine().runKernel(ADAM_KERNEL, { p, g, m, v }, attrsOf(h) as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return { p: p2, m: m2, v: v2 };
}
