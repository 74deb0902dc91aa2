import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { OptimizerSpec } from '../spec/types';
import { GanOptimizer } from './optimizers';

/** A small non-quadratic loss of two variables, so that the optimisers' paths differ. */
function lossOf(a: tf.Variable, b: tf.Variable): () => tf.Scalar {
  return () => tf.add(tf.sum(tf.square(tf.sub(a, tf.tensor1d([1, -2, 3])))), tf.sum(tf.sin(tf.mul(b, 3)))) as tf.Scalar;
}

function run(spec: OptimizerSpec, steps: number, useTfjs: boolean): number[] {
  const a = tf.variable(tf.tensor1d([0.5, 0.1, -0.3]));
  const b = tf.variable(tf.tensor2d([[0.2, -0.4]]));
  const loss = lossOf(a, b);
  const ours = new GanOptimizer(spec, [a, b]);
  const theirs =
    spec.kind === 'adam'
      ? tf.train.adam(spec.learningRate, spec.beta1 ?? 0.9, spec.beta2 ?? 0.999, spec.epsilon ?? 1e-7)
      : spec.kind === 'rmsprop'
        ? tf.train.rmsprop(spec.learningRate, 0.9, spec.momentum ?? 0, spec.epsilon ?? 1e-7)
        : (spec.momentum ?? 0) > 0
          ? tf.train.momentum(spec.learningRate, spec.momentum!)
          : tf.train.sgd(spec.learningRate);
  for (let i = 0; i < steps; i++) {
    const { value, grads } = tf.variableGrads(loss, [a, b]);
    if (useTfjs) (theirs as tf.Optimizer).applyGradients(grads as Parameters<tf.Optimizer["applyGradients"]>[0]);
    else ours.apply(grads);
    tf.dispose([value, ...Object.values(grads)]);
  }
  const result = [...a.dataSync(), ...b.dataSync()];
  ours.dispose();
  theirs.dispose();
  tf.dispose([a, b]);
  return result;
}

describe('engine/optimizers', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  const specs: OptimizerSpec[] = [
    { kind: 'adam', learningRate: 0.05, beta1: 0.5, beta2: 0.99 },
    { kind: 'adam', learningRate: 0.01 },
    { kind: 'rmsprop', learningRate: 0.01 },
    { kind: 'rmsprop', learningRate: 0.01, momentum: 0.5 },
    { kind: 'sgd', learningRate: 0.05 },
    { kind: 'sgd', learningRate: 0.05, momentum: 0.9 },
  ];
  for (const spec of specs) {
    it(`${JSON.stringify(spec)} follows the same path as tfjs' own optimiser`, () => {
      const ours = run(spec, 30, false);
      const theirs = run(spec, 30, true);
      ours.forEach((v, i) => assert.ok(Math.abs(v - theirs[i]) < 1e-4, `value ${i}: ${v} vs ${theirs[i]}`));
      const start = [0.5, 0.1, -0.3, 0.2, -0.4];
      assert.ok(ours.some((v, i) => Math.abs(v - start[i]) > 1e-3), 'the variables moved');
    });
  }

  it('restoring a saved state continues exactly like an uninterrupted run', () => {
    for (const spec of specs) {
      const uninterrupted = run(spec, 12, false);
      const a = tf.variable(tf.tensor1d([0.5, 0.1, -0.3]));
      const b = tf.variable(tf.tensor2d([[0.2, -0.4]]));
      const loss = lossOf(a, b);
      const first = new GanOptimizer(spec, [a, b]);
      const stepWith = (optimizer: GanOptimizer) => {
        const { value, grads } = tf.variableGrads(loss, [a, b]);
        optimizer.apply(grads);
        tf.dispose([value, ...Object.values(grads)]);
      };
      for (let i = 0; i < 7; i++) stepWith(first);
      // Save as a checkpoint would: copies of the values, then a fresh optimiser.
      const saved = first.getState();
      const copies = { ...saved, tensors: saved.tensors.map((t) => tf.tensor(t.dataSync(), t.shape)) };
      first.dispose();
      const second = new GanOptimizer(spec, [a, b]);
      second.setState(copies);
      assert.equal(second.iterations, 7);
      for (let i = 0; i < 5; i++) stepWith(second);
      assert.deepEqual([...a.dataSync(), ...b.dataSync()], uninterrupted, `${spec.kind} resumed bit for bit`);
      second.dispose();
      tf.dispose([a, b, ...copies.tensors]);
    }
  });

  it('leaks no tensors across steps', () => {
    const a = tf.variable(tf.tensor1d([0.5, 0.1, -0.3]));
    const b = tf.variable(tf.tensor2d([[0.2, -0.4]]));
    const optimizer = new GanOptimizer({ kind: 'adam', learningRate: 0.01 }, [a, b]);
    const step = () => {
      const { value, grads } = tf.variableGrads(lossOf(a, b), [a, b]);
      optimizer.apply(grads);
      tf.dispose([value, ...Object.values(grads)]);
    };
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    assert.equal(tf.memory().numTensors, before);
    optimizer.dispose();
    tf.dispose([a, b]);
  });
});
