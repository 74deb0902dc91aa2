/**
 * fastGradients.ts must give exactly tfjs's own Sum/Mean gradients
 * (dy broadcast over the reduced axes, divided by their size for Mean).
 */
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { ensureWasm, randomTensor, rememberBackend } from './testUtil';

describe('Sum and Mean gradients (fastGradients.ts)', function () {
  this.timeout(30_000);
  let restore: () => Promise<void>;
  before(async () => {
    restore = rememberBackend();
    await ensureWasm(); // registers them
  });
  after(async () => restore());

  const cases: Array<[number[], number[], boolean]> = [
    [[3, 4, 5, 6], [0, 1, 2], false],
    [[3, 4, 5, 6], [1, 2], true],
    [[3, 4, 5, 6], [3], false],
    [[7, 9], [0], true],
    [[7, 9], [0, 1], false],
    [[2, 3, 4], [1], false],
  ];
  for (const backend of ['cpu', 'wasm']) {
    for (const [shape, axes, keepDims] of cases) {
      it(`${backend}: sum and mean over [${axes}] of ${shape.join('x')}${keepDims ? ' keepDims' : ''}`, async () => {
        await tf.setBackend(backend);
        tf.tidy(() => {
          const x = randomTensor(shape, 1);
          const outShape = shape.map((d, i) => (axes.includes(i) ? 1 : d)).filter((d, i) => keepDims || !axes.includes(i));
          const dy = randomTensor(outShape, 2);
          const expanded = shape.map((d, i) => (axes.includes(i) ? 1 : d));
          const n = axes.reduce((p, a) => p * shape[a], 1);
          // tfjs 4.22's own formulas:
          const sumExpected = tf.mul(tf.reshape(dy, expanded), tf.ones(shape));
          const meanExpected = tf.div(tf.mul(tf.reshape(dy, expanded), tf.ones(shape)), n);
          const [gs] = tf.grads((a: tf.Tensor) => tf.sum(a, axes, keepDims))([x], dy);
          const [gm] = tf.grads((a: tf.Tensor) => tf.mean(a, axes, keepDims))([x], dy);
          assert.deepStrictEqual(Array.from(gs.dataSync()), Array.from(sumExpected.dataSync()));
          assert.deepStrictEqual(Array.from(gm.dataSync()), Array.from(meanExpected.dataSync()));
        });
      });
    }
  }
});
