/**
 * The layers of the format that tfjs-layers lacks or computes differently, as registered
 * (serialisable) classes so that a saved model loads with `tf.loadLayersModel`:
 *
 * - GanConv2D: explicit padding `[[top, bottom], [left, right]]` and dilation together
 *   with any stride (tfjs' conv2d refuses stride > 1 with dilation > 1, and has no
 *   gradient for dilation > 1, so a dilated kernel is spelled out with zeros).
 * - GanConv2DTranspose: PyTorch's arithmetic, `(in − 1)·s + k − padBefore − padAfter +
 *   outputPadding`, which tfjs' Conv2DTranspose cannot express ('valid' differs when
 *   kernel < stride; no explicit padding, no output padding).
 * - GanInstanceNorm: per-sample, per-channel normalisation over height and width.
 * - GanDropout: dropout whose masks come from the run's seeded random stream, so that a
 *   resumed run draws the same masks as an uninterrupted one.
 * - GanElu: ELU with any α (tfjs' ELU layer supports only α = 1).
 * - GanEmbedding: a class-label lookup written as one-hot × matrix, whose gradient is a
 *   matrix product on every backend (Gather's gradient needs UnsortedSegmentSum, which
 *   the wasm backend does not have).
 */
import * as tf from '@tensorflow/tfjs';
import { InlineActivation } from '../../spec/types';

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
type Kwargs = Record<string, unknown>;
type LayerShape = (number | null)[];
type ConfigDict = tf.serialization.ConfigDict;

export type ExplicitPads = [[number, number], [number, number]];

/** The activations that may be written inline on dense and convolution layers. */
export function applyActivation(name: InlineActivation | undefined, x: tf.Tensor): tf.Tensor {
  switch (name ?? 'linear') {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'tanh':
      return tf.tanh(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'elu':
      return tf.elu(x);
    case 'selu':
      return tf.selu(x);
  }
  throw new Error(`Unknown activation "${String(name)}"`);
}

function single(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}

function singleShape(shape: LayerShape | LayerShape[]): LayerShape {
  return Array.isArray(shape[0]) ? (shape as LayerShape[])[0] : (shape as LayerShape);
}

function glorot(seed: number | undefined): tf.serialization.Serializable {
  return tf.initializers.glorotUniform({ seed });
}

/**
 * A kernel [kh, kw, cin, cout] with (d − 1) zero rows/columns between its taps, so that a
 * plain convolution with it equals the dilated one. Built from differentiable ops.
 */
export function dilateKernel(kernel: tf.Tensor4D, dh: number, dw: number): tf.Tensor4D {
  if (dh === 1 && dw === 1) return kernel;
  return tf.tidy(() => {
    const [kh, kw, cin, cout] = kernel.shape;
    const spread = tf.pad(kernel.reshape([kh, 1, kw, 1, cin, cout]), [[0, 0], [0, dh - 1], [0, 0], [0, dw - 1], [0, 0], [0, 0]]);
    const flat = spread.reshape([kh * dh, kw * dw, cin, cout]);
    return flat.slice([0, 0, 0, 0], [(kh - 1) * dh + 1, (kw - 1) * dw + 1, cin, cout]) as tf.Tensor4D;
  });
}

// ---------------------------------------------------------------------------------------

export interface GanConv2DArgs extends LayerArgs {
  filters: number;
  kernelSize: [number, number];
  strides: [number, number];
  padding: 'same' | ExplicitPads;
  dilation: [number, number];
  useBias: boolean;
  activation?: InlineActivation;
  seed?: number;
}

export class GanConv2D extends tf.layers.Layer {
  static className = 'GanConv2D';
  readonly args: GanConv2DArgs;
  private kernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;

  constructor(args: GanConv2DArgs) {
    super(args);
    this.args = { ...args };
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const shape = singleShape(inputShape);
    const [kh, kw] = this.args.kernelSize;
    const cin = shape[shape.length - 1] as number;
    this.kernel = this.addWeight('kernel', [kh, kw, cin, this.args.filters], 'float32', glorot(this.args.seed) as never);
    if (this.args.useBias) this.bias = this.addWeight('bias', [this.args.filters], 'float32', tf.initializers.zeros() as never);
    this.built = true;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const [n, h, w] = singleShape(inputShape);
    const out = [h, w].map((size, axis) => {
      if (size === null) return null;
      const s = this.args.strides[axis];
      if (this.args.padding === 'same') return Math.ceil(size / s);
      const span = this.args.dilation[axis] * (this.args.kernelSize[axis] - 1) + 1;
      const [before, after] = this.args.padding[axis];
      return Math.floor((size + before + after - span) / s) + 1;
    });
    return [n, out[0], out[1], this.args.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs) as tf.Tensor4D;
      const kernel = dilateKernel(this.kernel!.read() as tf.Tensor4D, this.args.dilation[0], this.args.dilation[1]);
      const pad = this.args.padding === 'same' ? 'same' : ([[0, 0], ...this.args.padding, [0, 0]] as tf.backend_util.ExplicitPadding);
      let y: tf.Tensor = tf.conv2d(x, kernel, this.args.strides, pad);
      if (this.bias) y = tf.add(y, this.bias.read());
      return applyActivation(this.args.activation, y);
    });
  }

  override getConfig(): ConfigDict {
    const { filters, kernelSize, strides, padding, dilation, useBias, activation, seed } = this.args;
    return { ...super.getConfig(), filters, kernelSize, strides, padding, dilation, useBias, activation: activation ?? 'linear', seed: seed ?? null } as ConfigDict;
  }
}

// ---------------------------------------------------------------------------------------

export interface GanConv2DTransposeArgs extends LayerArgs {
  filters: number;
  kernelSize: [number, number];
  strides: [number, number];
  padding: 'same' | ExplicitPads;
  outputPadding: [number, number];
  useBias: boolean;
  activation?: InlineActivation;
  seed?: number;
}

export class GanConv2DTranspose extends tf.layers.Layer {
  static className = 'GanConv2DTranspose';
  readonly args: GanConv2DTransposeArgs;
  private kernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;

  constructor(args: GanConv2DTransposeArgs) {
    super(args);
    this.args = { ...args };
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const shape = singleShape(inputShape);
    const [kh, kw] = this.args.kernelSize;
    const cin = shape[shape.length - 1] as number;
    // tfjs' (and TensorFlow's) transposed-convolution filter layout: [kh, kw, out, in].
    this.kernel = this.addWeight('kernel', [kh, kw, this.args.filters, cin], 'float32', glorot(this.args.seed) as never);
    if (this.args.useBias) this.bias = this.addWeight('bias', [this.args.filters], 'float32', tf.initializers.zeros() as never);
    this.built = true;
  }

  private outputSize(size: number, axis: number): number {
    const s = this.args.strides[axis];
    if (this.args.padding === 'same') return size * s;
    const [before, after] = this.args.padding[axis];
    return (size - 1) * s + this.args.kernelSize[axis] - before - after + this.args.outputPadding[axis];
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const [n, h, w] = singleShape(inputShape);
    return [n, h === null ? null : this.outputSize(h, 0), w === null ? null : this.outputSize(w, 1), this.args.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs) as tf.Tensor4D;
      const [n, h, w] = x.shape;
      const outShape: [number, number, number, number] = [n, this.outputSize(h, 0), this.outputSize(w, 1), this.args.filters];
      // The gradient of a convolution with this padding: rows past the un-cropped output
      // (output padding beyond padAfter) receive no contribution, i.e. zeros, as in PyTorch.
      const pad = this.args.padding === 'same' ? 'same' : ([[0, 0], ...this.args.padding, [0, 0]] as tf.backend_util.ExplicitPadding);
      let y: tf.Tensor = tf.conv2dTranspose(x, this.kernel!.read() as tf.Tensor4D, outShape, this.args.strides, pad as never);
      if (this.bias) y = tf.add(y, this.bias.read());
      return applyActivation(this.args.activation, y);
    });
  }

  override getConfig(): ConfigDict {
    const { filters, kernelSize, strides, padding, outputPadding, useBias, activation, seed } = this.args;
    return { ...super.getConfig(), filters, kernelSize, strides, padding, outputPadding, useBias, activation: activation ?? 'linear', seed: seed ?? null } as ConfigDict;
  }
}

// ---------------------------------------------------------------------------------------

export interface GanInstanceNormArgs extends LayerArgs {
  epsilon: number;
  affine: boolean;
}

export class GanInstanceNorm extends tf.layers.Layer {
  static className = 'GanInstanceNorm';
  readonly args: GanInstanceNormArgs;
  private gamma?: tf.LayerVariable;
  private beta?: tf.LayerVariable;

  constructor(args: GanInstanceNormArgs) {
    super(args);
    this.args = { ...args };
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const shape = singleShape(inputShape);
    const c = shape[shape.length - 1] as number;
    if (this.args.affine) {
      this.gamma = this.addWeight('gamma', [c], 'float32', tf.initializers.ones() as never);
      this.beta = this.addWeight('beta', [c], 'float32', tf.initializers.zeros() as never);
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    return singleShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const { mean, variance } = tf.moments(x, [1, 2], true);
      let y = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, this.args.epsilon)));
      if (this.gamma && this.beta) y = tf.add(tf.mul(y, this.gamma.read()), this.beta.read());
      return y;
    });
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), epsilon: this.args.epsilon, affine: this.args.affine };
  }
}

// ---------------------------------------------------------------------------------------

/**
 * Where dropout layers get their random seeds. The trainer points this at the run's
 * seeded, checkpointed random stream; elsewhere (e.g. a model loaded by other code) each
 * mask gets a fresh random seed.
 */
let nextDropoutSeed: () => number = () => Math.floor(Math.random() * 2 ** 31);

export function setDropoutSeedSource(source: (() => number) | undefined): void {
  nextDropoutSeed = source ?? (() => Math.floor(Math.random() * 2 ** 31));
}

export interface GanDropoutArgs extends LayerArgs {
  rate: number;
}

export class GanDropout extends tf.layers.Layer {
  static className = 'GanDropout';
  readonly rate: number;

  constructor(args: GanDropoutArgs) {
    super(args);
    this.rate = args.rate;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    return singleShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = single(inputs);
    // Layer.apply copies an input returned unchanged, so no clone is needed here.
    if (kwargs.training !== true || this.rate === 0) return x;
    const seed = nextDropoutSeed();
    return tf.tidy(() => {
      const keep = tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, 'float32', seed), this.rate);
      return tf.mul(x, tf.mul(tf.cast(keep, 'float32'), 1 / (1 - this.rate)));
    });
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}

// ---------------------------------------------------------------------------------------

export interface GanEluArgs extends LayerArgs {
  alpha: number;
}

export class GanElu extends tf.layers.Layer {
  static className = 'GanElu';
  readonly alpha: number;

  constructor(args: GanEluArgs) {
    super(args);
    this.alpha = args.alpha;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    return singleShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      if (this.alpha === 1) return tf.elu(x);
      // x for x > 0, α·(eˣ − 1) otherwise: (1 − α)·relu(x) + α·elu(x).
      return tf.add(tf.mul(tf.relu(x), 1 - this.alpha), tf.mul(tf.elu(x), this.alpha));
    });
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}

// ---------------------------------------------------------------------------------------

export interface GanEmbeddingArgs extends LayerArgs {
  inputDim: number;
  outputDim: number;
  seed?: number;
}

export class GanEmbedding extends tf.layers.Layer {
  static className = 'GanEmbedding';
  readonly args: GanEmbeddingArgs;
  private embeddings?: tf.LayerVariable;

  constructor(args: GanEmbeddingArgs) {
    super(args);
    this.args = { ...args };
  }

  override build(): void {
    // Keras' Embedding default: uniform in ±0.05.
    const init = tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: this.args.seed });
    this.embeddings = this.addWeight('embeddings', [this.args.inputDim, this.args.outputDim], 'float32', init as never);
    this.built = true;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    return [...singleShape(inputShape), this.args.outputDim];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const labels = single(inputs);
      const flat = tf.cast(labels, 'int32').reshape([-1]) as tf.Tensor1D;
      const oneHot = tf.cast(tf.oneHot(flat, this.args.inputDim), 'float32') as tf.Tensor2D;
      const rows = tf.matMul(oneHot, this.embeddings!.read() as tf.Tensor2D);
      return rows.reshape([...labels.shape, this.args.outputDim]);
    });
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), inputDim: this.args.inputDim, outputDim: this.args.outputDim, seed: this.args.seed ?? null };
  }
}

for (const layer of [GanConv2D, GanConv2DTranspose, GanInstanceNorm, GanDropout, GanElu, GanEmbedding]) {
  tf.serialization.registerClass(layer as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
}
