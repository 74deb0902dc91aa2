/**
 * The fused Adam kernel gives bit-for-bit the results of the same update
 * written with tfjs ops (on wasm, and the op version on cpu too).
 */
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { adamUpdate, adamUpdateWithOps, AdamHyper } from './kernels/adam';
import { ensureWasm, randomTensor, rememberBackend } from './testUtil';

describe('fused Adam update (kernels/adam.ts)', function () {
  this.timeout(30_000);
  let restore: () => Promise<void>;
  before(async () => {
    restore = rememberBackend();
    await ensureWasm();
  });
  after(async () => restore());

  const hypers: AdamHyper[] = [
    { learningRate: 2e-4, beta1: 0.5, beta2: 0.999, epsilon: 1e-8, step: 1 },
    { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, step: 37 },
  ];
  for (const shape of [[1001], [3, 5, 7], [4]]) {
    for (const h of hypers) {
      it(`shape ${shape.join('x')}, β1 ${h.beta1}, step ${h.step}: identical to the op version`, async () => {
        for (const backend of ['wasm', 'cpu']) {
          await tf.setBackend(backend);
          tf.tidy(() => {
            const [p, g, m] = [1, 2, 3].map((s) => randomTensor(shape, s));
            const v = randomTensor(shape, 4, 0, 0.01);
            const fused = adamUpdate(p, g, m, v, h);
            const ops = adamUpdateWithOps(p, g, m, v, h);
            for (const k of ['p', 'm', 'v'] as const) {
              assert.deepStrictEqual(Array.from(fused[k].dataSync()), Array.from(ops[k].dataSync()), `${backend}: ${k} differs`);
            }
          });
        }
      });
    }
  }
});
