/**
 * The optimisers of the format — Adam, RMSProp, SGD with momentum — written out rather
 * than taken from tf.train, for one reason: exact resume. tfjs' Adam keeps β^t as a
 * running float32 product and rebuilds it as pow(β, t) when its weights are restored, so
 * a resumed run drifts from an uninterrupted one in the last bits, and GAN training
 * amplifies that. Here every slot is a tensor saved in the checkpoint and the bias
 * corrections come from the step count in double precision.
 *
 * Formulas (per variable p with gradient g, step t = 1, 2, …):
 * - adam:    m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;
 *            p ← p − lr·m̂ / (√v̂ + ε), m̂ = m/(1 − β1ᵗ), v̂ = v/(1 − β2ᵗ)   (as tfjs and PyTorch;
 *            computed by src/engine/wasm's adamUpdate: a fused kernel on wasm)
 * - rmsprop: s ← ρ·s + (1 − ρ)·g², ρ = 0.9;  with momentum μ: b ← μ·b + lr·g/√(s + ε), p ← p − b;
 *            without: p ← p − lr·g/√(s + ε)                                   (as TensorFlow)
 * - sgd:     with momentum μ: b ← μ·b + g, p ← p − lr·b; without: p ← p − lr·g   (as PyTorch)
 */
import * as tf from '@tensorflow/tfjs';
import type { OptimizerSpec } from '../spec/types';
import { adamUpdate } from './wasm/kernels/adam';

const RMSPROP_DECAY = 0.9;

/** What a checkpoint stores of an optimiser: its step count and slot tensors, in a fixed order. */
export interface OptimizerState {
  kind: OptimizerSpec['kind'];
  step: number;
  /** Slot names, e.g. `3/m` (slot m of the 4th variable), in the order of `tensors`. */
  names: string[];
  tensors: tf.Tensor[];
}

export class GanOptimizer {
  private step = 0;
  /** slots[name][i] belongs to variables[i]. */
  private readonly slots = new Map<string, tf.Variable[]>();

  constructor(
    readonly spec: OptimizerSpec,
    readonly variables: tf.Variable[],
  ) {
    const slotNames = spec.kind === 'adam' ? ['m', 'v'] : spec.kind === 'rmsprop' ? ((spec.momentum ?? 0) > 0 ? ['s', 'b'] : ['s']) : (spec.momentum ?? 0) > 0 ? ['b'] : [];
    for (const name of slotNames) {
      this.slots.set(name, variables.map((v) => tf.variable(tf.zerosLike(v), false)));
    }
  }

  get iterations(): number {
    return this.step;
  }

  /** One update from gradients keyed by variable name (as tf.variableGrads returns them). */
  apply(grads: tf.NamedTensorMap): void {
    this.step++;
    const t = this.step;
    const { learningRate: lr } = this.spec;
    tf.tidy(() => {
      this.variables.forEach((p, i) => {
        const g = grads[p.name];
        if (!g) return; // no path from the loss to this variable
        const slot = (name: string) => this.slots.get(name)![i];
        switch (this.spec.kind) {
          case 'adam': {
            // One fused kernel on GAN Studio's wasm backend, the same float32 ops elsewhere
            // (bit for bit equal, so a run may resume on another backend without drifting).
            const m = slot('m');
            const v = slot('v');
            const next = adamUpdate(p, g, m, v, { learningRate: lr, beta1: this.spec.beta1 ?? 0.9, beta2: this.spec.beta2 ?? 0.999, epsilon: this.spec.epsilon ?? 1e-7, step: t });
            m.assign(next.m);
            v.assign(next.v);
            p.assign(next.p);
            break;
          }
          case 'rmsprop': {
            const eps = this.spec.epsilon ?? 1e-7;
            const s = slot('s');
            s.assign(tf.add(tf.mul(s, RMSPROP_DECAY), tf.mul(tf.square(g), 1 - RMSPROP_DECAY)));
            const step = tf.div(tf.mul(g, lr), tf.sqrt(tf.add(s, eps)));
            const momentum = this.spec.momentum ?? 0;
            if (momentum > 0) {
              const b = slot('b');
              b.assign(tf.add(tf.mul(b, momentum), step));
              p.assign(tf.sub(p, b));
            } else {
              p.assign(tf.sub(p, step));
            }
            break;
          }
          case 'sgd': {
            const momentum = this.spec.momentum ?? 0;
            if (momentum > 0) {
              const b = slot('b');
              b.assign(tf.add(tf.mul(b, momentum), g));
              p.assign(tf.sub(p, tf.mul(b, lr)));
            } else {
              p.assign(tf.sub(p, tf.mul(g, lr)));
            }
            break;
          }
        }
      });
    });
  }

  /** The state to checkpoint; the tensors are the live slots (read them, do not dispose). */
  getState(): OptimizerState {
    const names: string[] = [];
    const tensors: tf.Tensor[] = [];
    for (const [slot, values] of this.slots) {
      values.forEach((value, i) => {
        names.push(`${i}/${slot}`);
        tensors.push(value);
      });
    }
    return { kind: this.spec.kind, step: this.step, names, tensors };
  }

  /** Restores a saved state (values are copied; the caller keeps ownership of its tensors). */
  setState(state: { kind: string; step: number; names: string[]; tensors: tf.Tensor[] }): void {
    if (state.kind !== this.spec.kind) throw new Error(`The checkpoint's optimiser is ${state.kind}, the spec's is ${this.spec.kind}.`);
    const own = this.getState();
    if (own.names.join() !== state.names.join()) throw new Error(`The checkpoint's optimiser slots (${state.names.length}) do not match this network's (${own.names.length}).`);
    state.tensors.forEach((tensor, i) => {
      const target = own.tensors[i] as tf.Variable;
      if (tensor.shape.join() !== target.shape.join()) throw new Error(`Optimiser slot ${state.names[i]} has shape [${tensor.shape}] in the checkpoint but [${target.shape}] here.`);
      target.assign(tensor);
    });
    this.step = state.step;
  }

  dispose(): void {
    for (const values of this.slots.values()) values.forEach((v) => v.dispose());
    this.slots.clear();
  }
}
