/**
 * Every kernel this folder supplies, against tfjs's cpu backend on the same
 * inputs: a table of cases (strides 1-3, same/valid/explicit padding, odd
 * sizes, kernels 1-5, batches > 1, one-channel cases that take the
 * matrix-vector path, K large enough to be split into chunks, …). Each case
 * runs with FMA (relaxed SIMD) and without.
 */
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { allowFma, dropSimdRuntime, WasmBackendLike } from './simd/runtime';
import { adamUpdate } from './kernels/adam';
import { suppliedKernelNames } from './register';
import {
  difference,
  ensureWasm,
  FLOAT32_TOLERANCE,
  randomTensor,
  rememberBackend,
  runOn,
  useWasmBackend,
} from './testUtil';

type Pad = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];

interface Case {
  name: string;
  /** kernels the case exercises (to check every supplied kernel is covered) */
  kernels: string[];
  run: () => tf.Tensor | tf.Tensor[];
}

const T = randomTensor;
const t4 = (shape: number[], seed: number): tf.Tensor4D => T(shape, seed) as tf.Tensor4D;

/** Output shape of a forward convolution (computed with tfjs's own geometry). */
function convOut(x: number[], f: number[], strides: number, pad: Pad, dilations = 1): number[] {
  return tf.backend_util.computeConv2DInfo(
    x as [number, number, number, number],
    f as [number, number, number, number],
    strides,
    dilations,
    pad,
  ).outShape;
}

const convCases: Array<{ x: number[]; k: [number, number]; co: number; s: number; pad: Pad; d?: number }> = [
  { x: [2, 9, 9, 3], k: [3, 3], co: 5, s: 1, pad: 'same' },
  { x: [2, 9, 9, 3], k: [4, 4], co: 5, s: 2, pad: 'same' },
  { x: [3, 10, 7, 4], k: [5, 5], co: 9, s: 3, pad: 'valid' },
  { x: [2, 8, 8, 6], k: [1, 1], co: 4, s: 2, pad: 'valid' },
  { x: [1, 5, 5, 1], k: [2, 2], co: 1, s: 1, pad: 'same' },
  { x: [2, 11, 13, 8], k: [5, 3], co: 16, s: 2, pad: 'same' },
  { x: [2, 7, 6, 3], k: [3, 2], co: 4, s: 2, pad: [[0, 0], [1, 2], [0, 3], [0, 0]] },
  { x: [3, 12, 12, 1], k: [4, 4], co: 8, s: 2, pad: 'same' }, // 1 input channel (D's first layer)
  { x: [2, 14, 14, 8], k: [4, 4], co: 1, s: 2, pad: 'same' }, // 1 output channel (G's last layer)
  { x: [2, 9, 9, 5], k: [3, 3], co: 3, s: 1, pad: 'valid' }, // 3 channels: RGB
  { x: [2, 7, 7, 40], k: [5, 5], co: 12, s: 1, pad: 'same' }, // K = 1000
  { x: [2, 9, 9, 3], k: [3, 3], co: 4, s: 1, pad: 'same', d: 2 }, // dilation (forward only in tfjs)
];

function cases(): Case[] {
  const list: Case[] = [];
  convCases.forEach((c, i) => {
    const f = [c.k[0], c.k[1], c.x[3], c.co];
    const tag = `x${c.x.join('x')} k${c.k.join('x')} co${c.co} s${c.s} ${typeof c.pad === 'string' ? c.pad : 'explicit'}${c.d ? ` d${c.d}` : ''}`;
    const y = convOut(c.x, f, c.s, c.pad, c.d ?? 1);
    list.push({
      name: `conv2d ${tag}`,
      kernels: ['Conv2D'],
      run: () => tf.conv2d(t4(c.x, 10 + i), t4(f, 20 + i), c.s, c.pad, 'NHWC', c.d ?? 1),
    });
    list.push({
      name: `fused conv2d + bias ${tag}`,
      kernels: ['FusedConv2D'],
      run: () =>
        tf.fused.conv2d({ x: t4(c.x, 10 + i), filter: t4(f, 20 + i), strides: c.s, pad: c.pad, dilations: c.d ?? 1, bias: T([c.co], 30 + i) }),
    });
    if (c.d) return; // tfjs has no gradients for dilated convolutions (any backend)
    list.push({
      name: `conv2dTranspose / Conv2DBackpropInput ${tag}`,
      kernels: ['Conv2DBackpropInput'],
      run: () => tf.conv2dTranspose(t4(y, 40 + i), t4(f, 20 + i), c.x as [number, number, number, number], c.s, c.pad),
    });
    list.push({
      name: `Conv2DBackpropFilter ${tag}`,
      kernels: ['Conv2DBackpropFilter'],
      run: () =>
        tf.engine().runKernel(
          'Conv2DBackpropFilter',
          { x: T(c.x, 10 + i), dy: T(y, 40 + i) },
          { strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape: f },
        ) as tf.Tensor,
    });
  });
  // conv2dTranspose with "output padding": one more output row/column than
  // 'same' gives (PyTorch's output_padding=1; tfjs takes the output shape).
  list.push({
    name: 'conv2dTranspose with output padding (k3 s2: 5→11)',
    kernels: ['Conv2DBackpropInput'],
    run: () => tf.conv2dTranspose(t4([2, 5, 5, 4], 1), t4([3, 3, 3, 4], 2), [2, 11, 11, 3], 2, 'valid'),
  });
  list.push({
    name: 'gradient of conv2dTranspose (filter and input) k5 s2',
    kernels: ['Conv2DBackpropFilter', 'Conv2D'],
    run: () =>
      tf.grads((x: tf.Tensor, w: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [2, 14, 14, 3], 2, 'same'), T([2, 14, 14, 3], 5))),
      )([T([2, 7, 7, 6], 3), T([5, 5, 3, 6], 4)]),
  });

  const mm: Array<[number[], number[], boolean, boolean]> = [
    [[13, 37], [37, 11], false, false],
    [[37, 13], [37, 11], true, false],
    [[13, 37], [11, 37], false, true],
    [[37, 13], [11, 37], true, true],
    [[3, 13, 37], [37, 11], false, false], // B shared by the batch
    [[3, 37, 13], [3, 37, 11], true, false],
    [[2, 3, 5, 7], [2, 3, 7, 9], false, false], // rank 4
    [[64, 100], [100, 1], false, false], // one column: matrix-vector path
    [[64, 1], [1, 300], false, false], // K = 1
    [[9, 3000], [3000, 20], false, false], // K split into chunks
    [[64, 100], [100, 2000], false, false], // N split into blocks
    [[64, 100], [64, 2000], true, false], // dense filter gradient
  ];
  mm.forEach(([a, b, ta, tb], i) =>
    list.push({
      name: `matMul ${a.join('x')}${ta ? 'ᵀ' : ''} · ${b.join('x')}${tb ? 'ᵀ' : ''}`,
      kernels: ['BatchMatMul'],
      run: () => tf.matMul(T(a, 50 + i), T(b, 60 + i), ta, tb),
    }),
  );
  list.push({
    name: 'fused matMul + bias (dense layer)',
    kernels: ['_FusedMatMul'],
    run: () => tf.fused.matMul({ a: T([17, 33], 1), b: T([33, 21], 2), bias: T([21], 3) }),
  });
  list.push({
    name: 'fused matMul + bias, transposed B',
    kernels: ['_FusedMatMul'],
    run: () => tf.fused.matMul({ a: T([17, 33], 1), b: T([21, 33], 2), transposeB: true, bias: T([21], 3) }),
  });

  list.push({
    name: 'unsortedSegmentSum (gradient of gather / embedding)',
    kernels: ['UnsortedSegmentSum'],
    run: () => tf.unsortedSegmentSum(T([7, 4, 3], 1), tf.tensor1d([0, 2, 2, 1, 0, 5, 9], 'int32'), 6),
  });
  list.push({
    name: 'gather gradient',
    kernels: ['UnsortedSegmentSum'],
    run: () => tf.grad((e: tf.Tensor) => tf.sum(tf.mul(tf.gather(e, tf.tensor1d([1, 3, 3, 0], 'int32')), T([4, 5], 2))))(T([6, 5], 1)),
  });
  // The cpu backend's ResizeNearestNeighborGrad is wrong for batch > 1 (it
  // reads dy with the input's batch stride), so batch 1 here; the adjoint
  // test below covers batches and halfPixelCenters.
  list.push({
    name: 'resizeNearestNeighbor gradient, batch 1',
    kernels: ['ResizeNearestNeighborGrad'],
    run: () =>
      tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [8, 10]), T([1, 8, 10, 3], 2))))(
        T([1, 4, 5, 3], 1),
      ),
  });
  // Square images: the cpu backend's ResizeBilinearGrad swaps height and
  // width of its result (non-square images fail on cpu); the adjoint test
  // below covers non-square ones.
  list.push({
    name: 'resizeBilinear gradient (alignCorners false and true)',
    kernels: ['ResizeBilinearGrad'],
    run: () =>
      tf.grads((x: tf.Tensor, z: tf.Tensor) =>
        tf.add(
          tf.sum(tf.mul(tf.image.resizeBilinear(x as tf.Tensor4D, [8, 8]), T([2, 8, 8, 3], 2))),
          tf.sum(tf.mul(tf.image.resizeBilinear(z as tf.Tensor4D, [7, 7], true), T([2, 7, 7, 3], 4))),
        ),
      )([T([2, 4, 4, 3], 1), T([2, 5, 5, 3], 3)]),
  });

  const x = [3, 5, 7, 9];
  list.push({ name: 'leakyRelu', kernels: ['LeakyRelu'], run: () => tf.leakyRelu(T(x, 1), 0.2) });
  list.push({ name: 'leakyRelu alpha 1.5 (odd length)', kernels: ['LeakyRelu'], run: () => tf.leakyRelu(T([7, 13], 1), 1.5) });
  list.push({
    name: 'greater: scalar and same-shape, odd length',
    kernels: ['Greater'],
    run: () => [tf.cast(tf.greater(T([5, 7, 11], 1), 0.1), 'float32'), tf.cast(tf.greater(T([5, 7, 11], 1), T([5, 7, 11], 2)), 'float32')],
  });
  list.push({
    name: 'where (select), odd length',
    kernels: ['Select'],
    run: () => tf.where(tf.greater(T([5, 7, 11], 1), 0) as tf.Tensor, T([5, 7, 11], 2), T([5, 7, 11], 3)),
  });
  list.push({ name: 'sqrt', kernels: ['Sqrt'], run: () => tf.sqrt(T([5, 7, 11], 1, 0, 4)) });
  for (const [axis, keep] of [
    [[0, 1, 2], false],
    [[1, 2], true],
    [[3], false],
    [[1, 2, 3], false],
    [[0], true],
    [[2], false],
  ] as Array<[number[], boolean]>) {
    list.push({
      name: `sum and mean over [${axis}]${keep ? ' keepDims' : ''} of ${x.join('x')}`,
      kernels: ['Sum', 'Mean'],
      run: () => [tf.sum(T(x, 1), axis, keep), tf.mean(T(x, 1), axis, keep)],
    });
  }
  list.push({
    name: 'sum of 37 channels (16 / 4 / 1-wide tails)',
    kernels: ['Sum'],
    run: () => tf.sum(T([6, 5, 37], 1), [0, 1]),
  });
  list.push({
    name: 'batchNorm with per-channel statistics',
    kernels: ['FusedBatchNorm'],
    run: () => tf.batchNorm(T(x, 1), T([9], 2), T([9], 3, 0.1, 2), T([9], 4), T([9], 5), 1e-3),
  });
  list.push({
    name: 'batchNorm without scale and offset',
    kernels: ['FusedBatchNorm'],
    run: () => tf.batchNorm(T([4, 6], 1), T([6], 2), T([6], 3, 0.1, 2)),
  });
  list.push({
    name: 'tile (broadcast per-channel values; repeat inner and outer axes)',
    kernels: ['Tile'],
    run: () => [tf.tile(T([1, 1, 1, 5], 1), [3, 4, 2, 1]), tf.tile(T([2, 3, 4], 2), [2, 1, 3])],
  });
  list.push({ name: 'identity (clone)', kernels: ['Identity'], run: () => tf.clone(T([4, 5], 1)) });
  list.push({
    name: 'fused Adam update (cpu runs the op version)',
    kernels: ['GanStudioAdam'],
    run: () => {
      const r = adamUpdate(T([3, 37], 1), T([3, 37], 2), T([3, 37], 3), T([3, 37], 4, 0, 0.01), {
        learningRate: 2e-4,
        beta1: 0.5,
        beta2: 0.999,
        epsilon: 1e-8,
        step: 3,
      });
      return [r.p, r.m, r.v];
    },
  });
  return list;
}

describe('wasm kernels agree with the cpu backend', function () {
  this.timeout(60_000);
  let restore: () => Promise<void>;
  const list = cases();

  before(async () => {
    restore = rememberBackend();
    await ensureWasm();
  });
  after(async () => {
    allowFma(true);
    dropSimdRuntime(tf.findBackend('wasm') as unknown as WasmBackendLike);
    await restore();
  });

  it('covers every supplied kernel', () => {
    const covered = new Set(list.flatMap((c) => c.kernels));
    const missing = suppliedKernelNames().filter((k) => !covered.has(k));
    assert.deepStrictEqual(missing, []);
  });

  for (const fma of [true, false]) {
    describe(fma ? 'with FMA (relaxed SIMD)' : 'without FMA', () => {
      before(async () => {
        await tf.setBackend('wasm');
        allowFma(fma);
        dropSimdRuntime(tf.backend() as unknown as WasmBackendLike);
      });
      for (const c of list) {
        it(c.name, async () => {
          const ref = await runOn('cpu', c.run);
          const got = await runOn('wasm', c.run);
          const d = difference(ref, got);
          assert.ok(
            d.relative <= FLOAT32_TOLERANCE,
            `max |wasm − cpu| = ${d.maxAbs.toExponential(2)} (relative ${d.relative.toExponential(2)})`,
          );
        });
      }
    });
  }
});

describe('resize gradients are the adjoint of the forward resize', function () {
  this.timeout(30_000);
  useWasmBackend();

  // ⟨resize(x), dy⟩ must equal ⟨x, grad(dy)⟩ for every option: this is what
  // makes a gradient a gradient. (tfjs 4.22's own kernels fail it with
  // halfPixelCenters, and its cpu nearest kernel with batch > 1.)
  const shapes: Array<[number[], [number, number]]> = [
    [[2, 4, 5, 3], [8, 10]],
    [[1, 5, 5, 2], [8, 7]],
    [[2, 7, 6, 1], [3, 4]],
  ];
  for (const kind of ['nearest', 'bilinear'] as const) {
    for (const [alignCorners, halfPixelCenters] of [
      [false, false],
      [false, true],
      [true, false],
    ]) {
      it(`${kind}, alignCorners ${alignCorners}, halfPixelCenters ${halfPixelCenters}`, () => {
        for (const [shape, size] of shapes) {
          tf.tidy(() => {
            const x = randomTensor(shape, 1) as tf.Tensor4D;
            const dy = randomTensor([shape[0], size[0], size[1], shape[3]], 2);
            const resize = (z: tf.Tensor4D): tf.Tensor4D =>
              kind === 'nearest'
                ? tf.image.resizeNearestNeighbor(z, size, alignCorners, halfPixelCenters)
                : tf.image.resizeBilinear(z, size, alignCorners, halfPixelCenters);
            const lhs = tf.sum(tf.mul(resize(x), dy)).dataSync()[0];
            const g = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(resize(z as tf.Tensor4D), dy)))(x);
            const rhs = tf.sum(tf.mul(x, g)).dataSync()[0];
            assert.ok(Math.abs(lhs - rhs) < 1e-4 * Math.max(1, Math.abs(lhs)), `${shape} → ${size}: ${lhs} vs ${rhs}`);
          });
        }
      });
    }
  }
});
