import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { GanConv2D, GanConv2DTranspose, GanDropout, GanElu, GanEmbedding, GanInstanceNorm, setDropoutSeedSource } from './customLayers';

type Pads = [[number, number], [number, number]];

/** A plain-loop NHWC convolution with explicit padding, stride and dilation: the definition. */
function referenceConv(x: Float32Array, [n, h, w, c]: number[], k: Float32Array, [kh, kw, , f]: number[], s: number[], pads: Pads, d: number[]): { out: Float64Array; shape: number[] } {
  const oh = Math.floor((h + pads[0][0] + pads[0][1] - d[0] * (kh - 1) - 1) / s[0]) + 1;
  const ow = Math.floor((w + pads[1][0] + pads[1][1] - d[1] * (kw - 1) - 1) / s[1]) + 1;
  const out = new Float64Array(n * oh * ow * f);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let o = 0; o < f; o++) {
          let sum = 0;
          for (let a = 0; a < kh; a++)
            for (let e = 0; e < kw; e++) {
              const iy = oy * s[0] - pads[0][0] + a * d[0];
              const ix = ox * s[1] - pads[1][0] + e * d[1];
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
              for (let ci = 0; ci < c; ci++) sum += x[((b * h + iy) * w + ix) * c + ci] * k[((a * kw + e) * c + ci) * f + o];
            }
          out[((b * oh + oy) * ow + ox) * f + o] = sum;
        }
  return { out, shape: [n, oh, ow, f] };
}

/** PyTorch's conv_transpose2d by its definition: scatter each input pixel through the kernel, then crop. */
function referenceConvTranspose(x: Float32Array, [n, h, w, c]: number[], k: Float32Array, [kh, kw, f]: number[], s: number[], pads: Pads, op: number[]): { out: Float64Array; shape: number[] } {
  const oh = (h - 1) * s[0] + kh - pads[0][0] - pads[0][1] + op[0];
  const ow = (w - 1) * s[1] + kw - pads[1][0] - pads[1][1] + op[1];
  const out = new Float64Array(n * oh * ow * f);
  for (let b = 0; b < n; b++)
    for (let iy = 0; iy < h; iy++)
      for (let ix = 0; ix < w; ix++)
        for (let a = 0; a < kh; a++)
          for (let e = 0; e < kw; e++) {
            const oy = iy * s[0] + a - pads[0][0];
            const ox = ix * s[1] + e - pads[1][0];
            if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
            for (let o = 0; o < f; o++)
              for (let ci = 0; ci < c; ci++) out[((b * oh + oy) * ow + ox) * f + o] += x[((b * h + iy) * w + ix) * c + ci] * k[((a * kw + e) * f + o) * c + ci];
          }
  return { out, shape: [n, oh, ow, f] };
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  assert.ok(worst <= tolerance, `${what}: max abs error ${worst}`);
}

function random(shape: number[], seed: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', seed);
}

describe('engine/model: custom layers', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  const convCases: { x: number[]; k: number[]; s: number[]; pads: Pads; d: number[] }[] = [
    { x: [2, 7, 6, 3], k: [3, 3, 3, 4], s: [1, 1], pads: [[1, 1], [1, 1]], d: [1, 1] },
    { x: [1, 8, 8, 2], k: [4, 4, 2, 3], s: [2, 2], pads: [[1, 1], [1, 1]], d: [1, 1] },
    { x: [1, 9, 7, 2], k: [3, 2, 2, 2], s: [2, 3], pads: [[2, 0], [0, 1]], d: [1, 1] },
    { x: [2, 9, 9, 1], k: [3, 3, 1, 2], s: [2, 2], pads: [[1, 1], [2, 2]], d: [2, 2], },
    { x: [1, 11, 10, 2], k: [2, 3, 2, 2], s: [1, 2], pads: [[0, 0], [0, 0]], d: [3, 2] },
  ];
  for (const [i, c] of convCases.entries()) {
    it(`GanConv2D equals the definition: case ${i} (stride ${c.s}, pads ${JSON.stringify(c.pads)}, dilation ${c.d})`, () => {
      const layer = new GanConv2D({ filters: c.k[3], kernelSize: [c.k[0], c.k[1]], strides: c.s as [number, number], padding: c.pads, dilation: c.d as [number, number], useBias: false, seed: i });
      const x = random(c.x, 10 + i);
      const y = layer.apply(x) as tf.Tensor;
      const kernel = layer.getWeights()[0];
      const ref = referenceConv(x.dataSync() as Float32Array, c.x, kernel.dataSync() as Float32Array, c.k, c.s, c.pads, c.d);
      assert.deepEqual(y.shape, ref.shape);
      assert.deepEqual(layer.computeOutputShape([null, ...c.x.slice(1)]), [null, ...ref.shape.slice(1)]);
      assertClose(y.dataSync(), ref.out, 1e-4, 'output');
      tf.dispose([x, y]);
      layer.dispose();
    });
  }

  const transposeCases: { x: number[]; k: number[]; s: number[]; pads: Pads; op: number[] }[] = [
    { x: [2, 3, 3, 4], k: [4, 4, 2, 4], s: [2, 2], pads: [[1, 1], [1, 1]], op: [0, 0] },
    { x: [1, 1, 1, 5], k: [4, 4, 3, 5], s: [1, 1], pads: [[0, 0], [0, 0]], op: [0, 0] },
    { x: [1, 3, 2, 2], k: [1, 2, 2, 2], s: [3, 3], pads: [[0, 0], [0, 0]], op: [0, 0] },
    { x: [1, 3, 4, 2], k: [3, 3, 3, 2], s: [2, 2], pads: [[1, 1], [1, 1]], op: [1, 1] },
    { x: [2, 4, 3, 1], k: [3, 2, 2, 1], s: [3, 2], pads: [[2, 0], [0, 1]], op: [2, 1] },
    { x: [1, 2, 2, 2], k: [2, 2, 2, 2], s: [3, 3], pads: [[0, 0], [0, 0]], op: [2, 1] },
  ];
  for (const [i, c] of transposeCases.entries()) {
    it(`GanConv2DTranspose follows PyTorch's arithmetic: case ${i} (stride ${c.s}, kernel ${c.k.slice(0, 2)}, pads ${JSON.stringify(c.pads)}, outputPadding ${c.op})`, () => {
      const layer = new GanConv2DTranspose({ filters: c.k[2], kernelSize: [c.k[0], c.k[1]], strides: c.s as [number, number], padding: c.pads, outputPadding: c.op as [number, number], useBias: false, seed: i });
      const x = random(c.x, 20 + i);
      const y = layer.apply(x) as tf.Tensor;
      const kernel = layer.getWeights()[0];
      const ref = referenceConvTranspose(x.dataSync() as Float32Array, c.x, kernel.dataSync() as Float32Array, c.k, c.s, c.pads, c.op);
      assert.deepEqual(y.shape, ref.shape);
      assertClose(y.dataSync(), ref.out, 1e-4, 'output');
      tf.dispose([x, y]);
      layer.dispose();
    });
  }

  it('GanConv2DTranspose with "same" padding makes in·stride, as TensorFlow', () => {
    const layer = new GanConv2DTranspose({ filters: 3, kernelSize: [5, 5], strides: [2, 2], padding: 'same', outputPadding: [0, 0], useBias: true, seed: 1 });
    const keras = tf.layers.conv2dTranspose({ filters: 3, kernelSize: 5, strides: 2, padding: 'same', useBias: true });
    const x = random([2, 7, 7, 4], 3);
    const ours = layer.apply(x) as tf.Tensor;
    keras.apply(x);
    keras.setWeights(layer.getWeights());
    const theirs = keras.apply(x) as tf.Tensor;
    assert.deepEqual(ours.shape, [2, 14, 14, 3]);
    assertClose(ours.dataSync(), theirs.dataSync(), 1e-5, 'same as tf.layers.conv2dTranspose');
    tf.dispose([x, ours, theirs]);
  });

  it('gradients of the explicit-padding convolutions agree with finite differences', () => {
    const conv = new GanConv2D({ filters: 2, kernelSize: [3, 3], strides: [2, 2], padding: [[1, 0], [0, 1]], dilation: [2, 1], useBias: true, seed: 4 });
    const deconv = new GanConv2DTranspose({ filters: 2, kernelSize: [3, 3], strides: [2, 2], padding: [[1, 1], [0, 1]], outputPadding: [1, 0], useBias: true, seed: 5 });
    const x = random([1, 6, 5, 2], 6);
    const weight = random([1], 7); // fixes the loss's random projection below
    for (const layer of [conv, deconv]) {
      layer.apply(x);
      const kernel = layer.trainableWeights[0];
      const project = (y: tf.Tensor) => tf.sum(tf.mul(y, tf.sin(tf.range(0, y.size).reshape(y.shape))));
      const loss = () => project(layer.apply(x) as tf.Tensor) as tf.Scalar;
      const { grads } = tf.variableGrads(loss, [kernel.read() as tf.Variable]);
      const analytic = grads[(kernel.read() as tf.Variable).name].dataSync();
      const values = kernel.read().dataSync().slice();
      for (const index of [0, 5, values.length - 1]) {
        const h = 1e-2;
        const at = (delta: number) => {
          const changed = values.slice();
          changed[index] += delta;
          kernel.write(tf.tensor(changed, kernel.shape as number[]));
          return loss().dataSync()[0];
        };
        const numeric = (at(h) - at(-h)) / (2 * h);
        kernel.write(tf.tensor(values, kernel.shape as number[]));
        assert.ok(Math.abs(numeric - analytic[index]) < 1e-2 * Math.max(1, Math.abs(numeric)), `${layer.getClassName()} kernel[${index}]: ${numeric} vs ${analytic[index]}`);
      }
    }
    tf.dispose([x, weight]);
  });

  it('GanInstanceNorm normalises each sample and channel over height and width', () => {
    const layer = new GanInstanceNorm({ epsilon: 1e-5, affine: true });
    const x = tf.add(tf.mul(random([2, 4, 5, 3], 8), 3), 7);
    const y = layer.apply(x) as tf.Tensor;
    const { mean, variance } = tf.moments(y, [1, 2]);
    assertClose(mean.dataSync(), new Array(6).fill(0), 1e-4, 'means');
    assertClose(variance.dataSync(), new Array(6).fill(1), 1e-3, 'variances');
    assert.equal(layer.countParams(), 6);
    const plain = new GanInstanceNorm({ epsilon: 1e-5, affine: false });
    plain.apply(x);
    assert.equal(plain.countParams(), 0);
  });

  it('GanElu uses its α for negative inputs', () => {
    const y = (new GanElu({ alpha: 0.5 }).apply(tf.tensor1d([-2, -0.5, 0, 1.5])) as tf.Tensor).dataSync();
    assertClose(y, [0.5 * (Math.exp(-2) - 1), 0.5 * (Math.exp(-0.5) - 1), 0, 1.5], 1e-6, 'elu');
  });

  it('GanEmbedding looks up one row per label', () => {
    const layer = new GanEmbedding({ inputDim: 4, outputDim: 3, seed: 1 });
    const out = layer.apply(tf.tensor2d([[2], [0], [2]], [3, 1], 'int32')) as tf.Tensor;
    assert.deepEqual(out.shape, [3, 1, 3]);
    const table = layer.getWeights()[0].arraySync() as number[][];
    const rows = out.arraySync() as number[][][];
    assertClose(rows.flat(2), [...table[2], ...table[0], ...table[2]], 1e-7, 'rows');
  });

  it('GanDropout draws its masks from the seed source, and passes values through when not training', () => {
    const layer = new GanDropout({ rate: 0.5 });
    const x = tf.ones([4, 50]);
    const masks = (seeds: number[]) => {
      const queue = [...seeds];
      setDropoutSeedSource(() => queue.shift()!);
      const result = (layer.apply(x, { training: true }) as tf.Tensor).dataSync();
      setDropoutSeedSource(undefined);
      return Array.from(result);
    };
    const a = masks([11]);
    assert.deepEqual(masks([11]), a);
    assert.notDeepEqual(masks([12]), a);
    assert.ok(a.every((v) => v === 0 || v === 2), 'kept values are scaled by 1 / (1 − rate)');
    const dropped = a.filter((v) => v === 0).length / a.length;
    assert.ok(dropped > 0.3 && dropped < 0.7, `dropped ${dropped}`);
    assert.deepEqual(Array.from((layer.apply(x) as tf.Tensor).dataSync()), new Array(200).fill(1));
  });
});
