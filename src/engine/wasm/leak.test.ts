/**
 * Training on wasm with our kernels must not leak: after warm-up, the number
 * of live tensors, the bytes tfjs accounts for, and the size of the wasm
 * heap (where our kernels malloc their scratch) stay constant step after step.
 */
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { WasmBackendLike } from './simd/runtime';
import { randomTensor, useWasmBackend } from './testUtil';

const L = tf.layers;

function tinyGan(): { g: tf.Sequential; d: tf.Sequential } {
  const g = tf.sequential({
    layers: [
      L.dense({ units: 4 * 4 * 16, inputShape: [8] }),
      L.batchNormalization(),
      L.leakyReLU({ alpha: 0.2 }),
      L.reshape({ targetShape: [4, 4, 16] }),
      L.conv2dTranspose({ filters: 8, kernelSize: 4, strides: 2, padding: 'same' }),
      L.batchNormalization(),
      L.leakyReLU({ alpha: 0.2 }),
      L.upSampling2d({ size: [2, 2] }),
      L.conv2d({ filters: 1, kernelSize: 3, padding: 'same', activation: 'tanh' }),
    ],
  });
  const d = tf.sequential({
    layers: [
      L.conv2d({ filters: 8, kernelSize: 4, strides: 2, padding: 'same', inputShape: [16, 16, 1] }),
      L.leakyReLU({ alpha: 0.2 }),
      L.dropout({ rate: 0.3 }),
      L.conv2d({ filters: 16, kernelSize: 4, strides: 2, padding: 'same' }),
      L.leakyReLU({ alpha: 0.2 }),
      L.flatten(),
      L.dense({ units: 1 }),
    ],
  });
  return { g, d };
}

describe('wasm training does not leak', function () {
  this.timeout(60_000);
  useWasmBackend();

  it('tensors, tfjs bytes and wasm heap stay constant over GAN training steps', () => {
    const { g, d } = tinyGan();
    const optD = tf.train.adam(2e-4, 0.5);
    const optG = tf.train.adam(2e-4, 0.5);
    const dVars = d.trainableWeights.map((w) => w.read() as tf.Variable);
    const gVars = g.trainableWeights.map((w) => w.read() as tf.Variable);
    const real = randomTensor([8, 16, 16, 1], 1);
    const bce = (label: number, logits: tf.Tensor): tf.Scalar =>
      tf.losses.sigmoidCrossEntropy(tf.fill(logits.shape, label), logits) as tf.Scalar;
    const step = (): void => {
      const fake = tf.tidy(() => g.apply(tf.randomNormal([8, 8]), { training: true }) as tf.Tensor);
      optD.minimize(
        () => tf.add(bce(1, d.apply(real, { training: true }) as tf.Tensor), bce(0, d.apply(fake, { training: true }) as tf.Tensor)),
        false,
        dVars,
      );
      fake.dispose();
      optG.minimize(
        () => bce(1, d.apply(g.apply(tf.randomNormal([8, 8]), { training: true }) as tf.Tensor, { training: true }) as tf.Tensor),
        false,
        gVars,
      );
    };
    const heap = (): number => (tf.backend() as unknown as WasmBackendLike).wasm.HEAPU8.length;
    for (let i = 0; i < 3; i++) step(); // optimizer slots and kernel scratch are created here
    const before = { tensors: tf.memory().numTensors, bytes: tf.memory().numBytes, heap: heap() };
    for (let i = 0; i < 15; i++) step();
    const after = { tensors: tf.memory().numTensors, bytes: tf.memory().numBytes, heap: heap() };
    assert.deepStrictEqual(after, before);
    g.dispose();
    d.dispose();
    real.dispose();
    optD.dispose();
    optG.dispose();
  });

  it('each supplied kernel leaves no tensor behind', () => {
    const x = randomTensor([2, 9, 9, 3], 1) as tf.Tensor4D;
    const w = randomTensor([3, 3, 3, 4], 2) as tf.Tensor4D;
    const run = (): void => {
      tf.tidy(() => {
        const y = tf.conv2d(x, w, 2, 'same');
        tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')))([x, w]);
        tf.conv2dTranspose(y, w, [2, 9, 9, 3], 2, 'same');
        tf.matMul(tf.reshape(x, [18, 27]), tf.reshape(x, [18, 27]), true, false);
        tf.unsortedSegmentSum(tf.reshape(x, [6, 81]), tf.tensor1d([0, 1, 1, 2, 0, 3], 'int32'), 4);
        tf.grad((a: tf.Tensor) => tf.sum(tf.image.resizeNearestNeighbor(a as tf.Tensor4D, [18, 18])))(x);
        tf.grad((a: tf.Tensor) => tf.sum(tf.image.resizeBilinear(a as tf.Tensor4D, [18, 18])))(x);
        tf.batchNorm(x, tf.ones([3]), tf.ones([3]));
        tf.tile(w, [1, 2, 1, 1]);
        tf.where(tf.greater(x, 0) as tf.Tensor, tf.leakyRelu(x), tf.sqrt(tf.abs(x)));
        tf.mean(tf.sum(x, [0, 1, 2]));
        tf.clone(x);
      });
    };
    run();
    const heap = (tf.backend() as unknown as WasmBackendLike).wasm.HEAPU8.length;
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) run();
    assert.strictEqual(tf.memory().numTensors, before);
    assert.strictEqual((tf.backend() as unknown as WasmBackendLike).wasm.HEAPU8.length, heap);
    x.dispose();
    w.dispose();
  });
});
