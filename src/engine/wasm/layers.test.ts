/**
 * Forward and backward pass of every layer type GAN Studio supports, built
 * with tfjs-layers (as the engine builds models), on the wasm backend against
 * the cpu backend: same weights, same input, same loss; the loss and the
 * gradients of every weight and of the input must agree. Without the kernels
 * of this folder several of these fail with "Kernel '…' not registered for
 * backend 'wasm'" (conv layers: Conv2DBackpropFilter; embedding:
 * UnsortedSegmentSum).
 *
 * Then the WGAN-GP gradient penalty — a gradient of a gradient — through each
 * layer a critic may contain, which also needs the second-order gradients of
 * secondOrderGradients.ts (without them it fails on every backend).
 */
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { difference, ensureWasm, FLOAT32_TOLERANCE, randomData, randomTensor, rememberBackend, runOn } from './testUtil';

const L = tf.layers;

interface LayerCase {
  name: string;
  inputShape: number[];
  /** int32 inputs (embedding) instead of float */
  intInput?: number;
  layers: () => tf.layers.Layer[];
}

const layerCases: LayerCase[] = [
  { name: 'dense', inputShape: [4, 10], layers: () => [L.dense({ units: 7, inputShape: [10] })] },
  {
    name: 'reshape + flatten + dense',
    inputShape: [4, 12],
    layers: () => [L.reshape({ targetShape: [3, 4], inputShape: [12] }), L.flatten(), L.dense({ units: 3 })],
  },
  {
    name: 'conv2d stride 1 same',
    inputShape: [2, 9, 9, 3],
    layers: () => [L.conv2d({ filters: 4, kernelSize: 3, padding: 'same', inputShape: [9, 9, 3] })],
  },
  {
    name: 'conv2d stride 2 valid, kernel 4',
    inputShape: [2, 9, 9, 3],
    layers: () => [L.conv2d({ filters: 4, kernelSize: 4, strides: 2, padding: 'valid', inputShape: [9, 9, 3] })],
  },
  {
    name: 'conv2d stride 3, kernel 5, no bias',
    inputShape: [3, 11, 10, 2],
    layers: () => [L.conv2d({ filters: 5, kernelSize: 5, strides: 3, padding: 'same', useBias: false, inputShape: [11, 10, 2] })],
  },
  {
    name: 'conv2dTranspose stride 2 same',
    inputShape: [2, 5, 5, 3],
    layers: () => [L.conv2dTranspose({ filters: 4, kernelSize: 4, strides: 2, padding: 'same', inputShape: [5, 5, 3] })],
  },
  {
    name: 'conv2dTranspose stride 1, kernel 5, no bias',
    inputShape: [2, 4, 4, 6],
    layers: () => [L.conv2dTranspose({ filters: 3, kernelSize: 5, strides: 1, padding: 'same', useBias: false, inputShape: [4, 4, 6] })],
  },
  {
    name: 'conv2dTranspose stride 2 valid, kernel 3',
    inputShape: [2, 4, 5, 2],
    layers: () => [L.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'valid', inputShape: [4, 5, 2] })],
  },
  {
    name: 'batchNormalization (training mode)',
    inputShape: [4, 5, 5, 3],
    layers: () => [L.batchNormalization({ inputShape: [5, 5, 3] })],
  },
  {
    name: 'batchNormalization after dense',
    inputShape: [8, 6],
    layers: () => [L.dense({ units: 9, inputShape: [6] }), L.batchNormalization()],
  },
  { name: 'layerNormalization', inputShape: [4, 6], layers: () => [L.layerNormalization({ inputShape: [6] })] },
  { name: 'dropout (seeded)', inputShape: [4, 6], layers: () => [L.dropout({ rate: 0.3, seed: 1, inputShape: [6] })] },
  {
    name: 'relu, leakyRelu, tanh, sigmoid, elu, selu',
    inputShape: [4, 6],
    layers: () => [
      L.dense({ units: 6, inputShape: [6] }),
      L.reLU(),
      L.dense({ units: 6 }),
      L.leakyReLU({ alpha: 0.2 }),
      L.dense({ units: 6 }),
      L.activation({ activation: 'tanh' }),
      L.dense({ units: 6 }),
      L.activation({ activation: 'sigmoid' }),
      L.dense({ units: 6 }),
      L.elu(),
      L.dense({ units: 6 }),
      L.activation({ activation: 'selu' }),
    ],
  },
  {
    // Batch 1: tfjs's cpu ResizeNearestNeighborGrad is wrong for batch > 1
    // (see kernels/resizeNearestNeighborGrad.ts); kernels.test.ts checks batches.
    name: 'upSampling2d nearest',
    inputShape: [1, 4, 4, 3],
    layers: () => [L.upSampling2d({ size: [2, 2], inputShape: [4, 4, 3] })],
  },
  {
    name: 'upSampling2d bilinear',
    inputShape: [2, 4, 4, 3],
    layers: () => [L.upSampling2d({ size: [2, 2], interpolation: 'bilinear', inputShape: [4, 4, 3] })],
  },
  {
    name: 'zeroPadding2d + conv2d valid',
    inputShape: [2, 4, 4, 3],
    layers: () => [L.zeroPadding2d({ padding: 1, inputShape: [4, 4, 3] }), L.conv2d({ filters: 2, kernelSize: 3 })],
  },
  {
    name: 'embedding',
    inputShape: [3, 2],
    intInput: 10,
    layers: () => [L.embedding({ inputDim: 10, outputDim: 4, inputLength: 2 })],
  },
];

function buildModel(c: LayerCase): tf.Sequential {
  const m = tf.sequential({ layers: c.layers() });
  if (c.intInput) m.build([null, c.inputShape[1]]);
  // Deterministic weights, identical on both backends.
  m.setWeights(m.getWeights().map((w, i) => tf.tensor(randomData(w.size, 100 + i, -0.5, 0.5), w.shape)));
  return m;
}

function inputFor(c: LayerCase): tf.Tensor {
  if (c.intInput) {
    const n = c.inputShape.reduce((a, b) => a * b, 1);
    return tf.tensor(Array.from({ length: n }, (_, i) => (i * 7 + 3) % (c.intInput as number)), c.inputShape, 'int32');
  }
  return randomTensor(c.inputShape, 7);
}

/** Loss and gradients of every trainable weight (and of a float input). */
function lossAndGrads(c: LayerCase): tf.Tensor[] {
  const m = buildModel(c);
  const x = inputFor(c);
  const xs = c.intInput ? [] : [tf.variable(x)];
  // Gradients in a fixed order: weight names carry counters that differ
  // between the cpu and the wasm builds of the model.
  const vars = [...m.trainableWeights.map((w) => w.read() as tf.Variable), ...xs];
  const { value, grads } = tf.variableGrads(() => {
    const y = m.apply(c.intInput ? x : xs[0], { training: true }) as tf.Tensor;
    const r = randomTensor(y.shape, 9);
    return tf.sum(tf.mul(y, r)) as tf.Scalar;
  }, vars);
  const out = [value, ...vars.map((v) => grads[v.name])];
  xs.forEach((v) => v.dispose());
  m.dispose();
  return out;
}

interface RawCase {
  name: string;
  run: () => tf.Tensor[];
}

const rawCases: RawCase[] = [
  {
    name: 'concat and add',
    run: () => {
      const a = randomTensor([2, 3, 3, 2], 1);
      const b = randomTensor([2, 3, 3, 2], 2);
      const r = randomTensor([2, 3, 3, 4], 3);
      return tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.concat([p, tf.add(p, q)], 3), r)))([a, b]);
    },
  },
  {
    name: 'instance normalisation (moments over H, W)',
    run: () =>
      [
        tf.grad((a: tf.Tensor) => {
          const { mean, variance } = tf.moments(a, [1, 2], true);
          return tf.sum(tf.mul(tf.div(tf.sub(a, mean), tf.sqrt(tf.add(variance, 1e-5))), randomTensor([2, 4, 4, 3], 5)));
        })(randomTensor([2, 4, 4, 3], 1)),
      ],
  },
  {
    name: 'losses: sigmoid cross-entropy, softplus, log, L1 (abs), mean, square',
    run: () => {
      const labels = randomTensor([8, 1], 2, 0, 1);
      return [
        tf.grad((a: tf.Tensor) =>
          tf.addN([
            tf.losses.sigmoidCrossEntropy(labels, a),
            tf.mean(tf.softplus(a)),
            tf.mean(tf.log(tf.sigmoid(a))),
            tf.mean(tf.abs(tf.sub(a, labels))),
            tf.mean(tf.square(a)),
          ]),
        )(randomTensor([8, 1], 1)),
      ];
    },
  },
  {
    name: 'conv2dTranspose with output padding (raw op, explicit output shape)',
    run: () =>
      tf.grads((x: tf.Tensor, w: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [2, 10, 10, 4], 2, 'same'))),
      )([randomTensor([2, 5, 5, 3], 1), randomTensor([3, 3, 4, 3], 2)]),
  },
];

/** A critic ending in `layers`, for the gradient penalty. */
const gpCases: Array<{ name: string; inputShape: number[]; layers: () => tf.layers.Layer[] }> = [
  {
    name: 'conv2d + leakyReLU + dense',
    inputShape: [3, 6, 6, 2],
    layers: () => [
      L.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', inputShape: [6, 6, 2] }),
      L.leakyReLU({ alpha: 0.2 }),
      L.flatten(),
      L.dense({ units: 1 }),
    ],
  },
  {
    name: 'conv2dTranspose + layerNorm + elu + selu',
    inputShape: [3, 3, 3, 2],
    layers: () => [
      L.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', inputShape: [3, 3, 2] }),
      L.layerNormalization(),
      L.elu(),
      L.activation({ activation: 'selu' }),
      L.flatten(),
      L.dense({ units: 1 }),
    ],
  },
  {
    name: 'upsampling nearest + bilinear + tanh + sigmoid + relu',
    inputShape: [1, 3, 3, 2],
    layers: () => [
      L.upSampling2d({ size: [2, 2], inputShape: [3, 3, 2] }),
      L.upSampling2d({ size: [2, 2], interpolation: 'bilinear' }),
      L.activation({ activation: 'tanh' }),
      L.conv2d({ filters: 2, kernelSize: 3 }),
      L.activation({ activation: 'sigmoid' }),
      L.reLU(),
      L.flatten(),
      L.dense({ units: 1 }),
    ],
  },
];

/** WGAN-GP: mean((‖∇ₓ D(x)‖ − 1)²) and its gradients for D's weights. */
function gradientPenalty(c: (typeof gpCases)[number]): tf.Tensor[] {
  const m = tf.sequential({ layers: c.layers() });
  m.setWeights(m.getWeights().map((w, i) => tf.tensor(randomData(w.size, 200 + i, -0.5, 0.5), w.shape)));
  const x = randomTensor(c.inputShape, 4);
  const vars = m.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => {
    const g = tf.grad((z: tf.Tensor) => tf.sum(m.apply(z, { training: true }) as tf.Tensor))(x);
    const norm = tf.sqrt(tf.add(tf.sum(tf.square(g), [1, 2, 3]), 1e-12));
    return tf.mean(tf.square(tf.sub(norm, 1))) as tf.Scalar;
  }, vars);
  // Weights the penalty does not depend on (biases before a piecewise-linear
  // activation) get no gradient; the same ones on both backends.
  const out = [value, ...vars.filter((v) => grads[v.name]).map((v) => grads[v.name])];
  m.dispose();
  return out;
}

describe('every GAN layer trains on wasm with the cpu backend’s numbers', function () {
  this.timeout(60_000);
  let restore: () => Promise<void>;
  before(async () => {
    restore = rememberBackend();
    await ensureWasm();
  });
  after(async () => restore());

  const check = async (run: () => tf.Tensor[]): Promise<void> => {
    const ref = await runOn('cpu', run);
    const got = await runOn('wasm', run);
    const d = difference(ref, got);
    assert.ok(d.relative <= FLOAT32_TOLERANCE, `max |wasm − cpu| = ${d.maxAbs.toExponential(2)} (relative ${d.relative.toExponential(2)})`);
  };

  for (const c of layerCases) it(`${c.name}: forward + backward`, () => check(() => lossAndGrads(c)));
  for (const c of rawCases) it(`${c.name}: forward + backward`, () => check(c.run));
  for (const c of gpCases) it(`WGAN-GP gradient penalty through ${c.name}`, () => check(() => gradientPenalty(c)));

  it('dilated conv2d: tfjs has no gradient on any backend (same error on wasm and cpu)', async () => {
    const run = (): tf.Tensor[] =>
      lossAndGrads({
        name: 'dilated',
        inputShape: [2, 9, 9, 3],
        layers: () => [L.conv2d({ filters: 4, kernelSize: 3, dilationRate: 2, padding: 'same', inputShape: [9, 9, 3] })],
      });
    const message = async (backend: string): Promise<string> => {
      try {
        await runOn(backend, run);
        return 'no error';
      } catch (e) {
        return (e as Error).message;
      }
    };
    const onCpu = await message('cpu');
    assert.match(onCpu, /dilation rates greater than 1 are not yet supported in gradients/);
    assert.strictEqual(await message('wasm'), onCpu);
  });
});
