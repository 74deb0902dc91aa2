/**
 * Builds the generator and the discriminator as tfjs `LayersModel`s from an analysed
 * spec, with the functional API: each layer reads the layers (or network inputs) its
 * `inputs`/`with` name, so skips and U-Nets come out as they are written.
 *
 * Shapes and parameter counts equal the spec core's (src/spec/layers.ts); a test checks
 * this for every example. Weight initialisers are seeded from the run's seed, so the same
 * seed gives the same initial networks.
 *
 * The discriminator is built to output *logits*: when the spec ends D in a sigmoid (a
 * `sigmoid` layer or an inline `"activation": "sigmoid"`), that last sigmoid is left out
 * of the model and `endsInSigmoid` says so; the losses apply it in a numerically stable
 * form (log-sigmoid via softplus). No weights change, so counts and shapes are unaffected.
 */
import * as tf from '@tensorflow/tfjs';
import type { Analysis } from '../../spec/analyze';
import { pair, paddingPairs } from '../../spec/layers';
import type { LayerInfo, NetworkInfo, NetworkRole } from '../../spec/network';
import type { GanSpec, InlineActivation, LayerSpec, NetworkInputName, Shape } from '../../spec/types';
import { GanConv2D, GanConv2DTranspose, GanDropout, GanElu, GanEmbedding, GanInstanceNorm } from './customLayers';

export const INPUT_ORDER: readonly NetworkInputName[] = ['latent', 'label', 'source', 'image'];

export interface BuiltNetwork {
  role: NetworkRole;
  model: tf.LayersModel;
  /** The network inputs the model takes, in the order of `model.inputs`. */
  inputNames: NetworkInputName[];
  /** D only: the spec's final sigmoid, left out of the model, which then outputs logits. */
  endsInSigmoid: boolean;
  /** Output shape without the batch dimension (what the spec core computes). */
  outputShape: Shape;
}

export interface BuildOptions {
  /** Seed of the weight initialisers (the run's seed). */
  seed?: number;
  /** Leave out a final sigmoid so the model outputs logits (default: true for the discriminator). */
  logits?: boolean;
}

export class ModelBuildError extends Error {}

/** Both networks of a GAN whose analysis has no errors. */
export function buildGan(analysis: Analysis, options: BuildOptions = {}): { generator: BuiltNetwork; discriminator: BuiltNetwork } {
  if (!analysis.spec || !analysis.generator || !analysis.discriminator) throw new ModelBuildError('The spec has errors; fix them before building models.');
  return {
    generator: buildNetwork(analysis.spec, analysis.generator, { ...options, logits: false }),
    discriminator: buildNetwork(analysis.spec, analysis.discriminator, { ...options, logits: options.logits ?? true }),
  };
}

/** Where a sigmoid ends a network: a `sigmoid` layer or an inline activation on the output layer. */
export function finalSigmoid(spec: GanSpec, info: NetworkInfo): 'layer' | 'inline' | undefined {
  const output = info.layers.find((l) => l.key === info.outputKey);
  if (!output) return undefined;
  const layer = spec[info.role].layers[output.index];
  if (layer.type === 'sigmoid') return 'layer';
  if ('activation' in layer && layer.activation === 'sigmoid') return 'inline';
  return undefined;
}

export function buildNetwork(spec: GanSpec, info: NetworkInfo, options: BuildOptions = {}): BuiltNetwork {
  if (!info.complete || !info.outputKey || !info.outputShape) throw new ModelBuildError(`The ${info.role} has errors; fix them before building a model.`);
  const role = info.role;
  const baseSeed = options.seed ?? 0;
  const layerSpecs = spec[role].layers;
  const byKey = new Map<string, LayerInfo>(info.layers.map((l) => [l.key, l]));
  const inputShapes = new Map(info.inputs.map((i) => [i.name, i.shape]));
  const strip = (options.logits ?? role === 'discriminator') ? finalSigmoid(spec, info) : undefined;
  const consumers = new Set(info.layers.flatMap((l) => l.inputs));

  const inputs = new Map<NetworkInputName, tf.SymbolicTensor>();
  const outputs = new Map<string, tf.SymbolicTensor>();
  // The pre-sigmoid tensor of the output layer when the sigmoid is stripped.
  let logits: tf.SymbolicTensor | undefined;

  const inputTensor = (name: NetworkInputName): tf.SymbolicTensor => {
    let tensor = inputs.get(name);
    if (!tensor) {
      const shape = inputShapes.get(name);
      if (!shape) throw new ModelBuildError(`The ${role} reads "${name}", whose shape is unknown.`);
      tensor = tf.input({ shape, name: `${role}_${name}`, dtype: name === 'label' ? 'int32' : 'float32' });
      inputs.set(name, tensor);
    }
    return tensor;
  };

  const tensorFor = (key: string): tf.SymbolicTensor => {
    if ((INPUT_ORDER as readonly string[]).includes(key) && !byKey.has(key)) return inputTensor(key as NetworkInputName);
    const built = outputs.get(key);
    if (built) return built;
    const layerInfo = byKey.get(key);
    if (!layerInfo) throw new ModelBuildError(`The ${role} has no layer "${key}".`);
    const layerInputs = layerInfo.inputs.map(tensorFor);
    let layerSpec = layerSpecs[layerInfo.index];
    const isOutput = key === info.outputKey;
    if (isOutput && strip === 'inline') layerSpec = { ...layerSpec, activation: 'linear' } as LayerSpec;
    const name = layerName(role, layerInfo);
    const seed = hashSeed(baseSeed, role, layerInfo.index);
    let out = makeLayer(layerSpec, name, seed, layerInfo.outputShape!).apply(layerInputs.length === 1 ? layerInputs[0] : layerInputs) as tf.SymbolicTensor;
    if (isOutput && strip === 'layer') logits = layerInputs[0];
    if (isOutput && strip === 'inline') {
      logits = out;
      // Others read the probabilities: give them the sigmoid the spec wrote.
      if (consumers.has(key)) out = tf.layers.activation({ activation: 'sigmoid', name: `${name}_sigmoid` }).apply(out) as tf.SymbolicTensor;
    }
    outputs.set(key, out);
    return out;
  };

  let output = tensorFor(info.outputKey);
  if (strip) output = logits!;
  const inputNames = INPUT_ORDER.filter((n) => inputs.has(n));
  const model = tf.model({ inputs: inputNames.map((n) => inputs.get(n)!), outputs: output, name: role });
  return { role, model, inputNames, endsInSigmoid: strip !== undefined, outputShape: info.outputShape };
}

/** A tfjs-valid, unique-within-the-network layer name that still says what it is. */
function layerName(role: NetworkRole, info: LayerInfo): string {
  const label = (info.id ?? info.type).replace(/[^A-Za-z0-9_.-]/g, '_');
  return `${role === 'generator' ? 'g' : 'd'}${info.index}_${label}`;
}

/** A 31-bit seed per layer, so initial weights depend on the run seed, the network and the layer only. */
export function hashSeed(seed: number, role: string, index: number): number {
  let h = 2166136261 ^ seed;
  for (const c of `${role}:${index}`) {
    h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  }
  h = Math.imul(h ^ (h >>> 15), 2246822507);
  return (h ^ (h >>> 13)) & 0x7fffffff;
}

function activationName(activation: InlineActivation | undefined): InlineActivation {
  return activation ?? 'linear';
}

function makeLayer(layer: LayerSpec, name: string, seed: number, outputShape: Shape): tf.layers.Layer {
  switch (layer.type) {
    case 'dense':
      return tf.layers.dense({
        name,
        units: layer.units,
        useBias: layer.useBias ?? true,
        activation: activationName(layer.activation),
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
      });
    case 'reshape':
      // The analysed shape, with any −1 resolved: tfjs leaves a −1 unknown in symbolic shapes.
      return tf.layers.reshape({ name, targetShape: outputShape });
    case 'flatten':
      return tf.layers.flatten({ name });
    case 'conv2d': {
      const pads = paddingPairs(layer.padding);
      return new GanConv2D({
        name,
        filters: layer.filters,
        kernelSize: pair(layer.kernel, 1),
        strides: pair(layer.stride, 1),
        padding: pads,
        dilation: pair(layer.dilation, 1),
        useBias: layer.useBias ?? true,
        activation: layer.activation,
        seed,
      });
    }
    case 'conv2dTranspose':
      return new GanConv2DTranspose({
        name,
        filters: layer.filters,
        kernelSize: pair(layer.kernel, 1),
        strides: pair(layer.stride, 1),
        padding: paddingPairs(layer.padding),
        outputPadding: pair(layer.outputPadding, 0),
        useBias: layer.useBias ?? true,
        activation: layer.activation,
        seed,
      });
    case 'batchNorm':
      return tf.layers.batchNormalization({ name, axis: -1, momentum: layer.momentum ?? 0.99, epsilon: layer.epsilon ?? 0.001 });
    case 'instanceNorm':
      return new GanInstanceNorm({ name, epsilon: layer.epsilon ?? 0.001, affine: layer.affine ?? true });
    case 'layerNorm':
      return tf.layers.layerNormalization({ name, axis: -1, epsilon: layer.epsilon ?? 0.001 });
    case 'dropout':
      return new GanDropout({ name, rate: layer.rate });
    case 'relu':
      return tf.layers.reLU({ name });
    case 'leakyRelu':
      return tf.layers.leakyReLU({ name, alpha: layer.alpha ?? 0.2 });
    case 'elu':
      return new GanElu({ name, alpha: layer.alpha ?? 1 });
    case 'tanh':
    case 'sigmoid':
    case 'selu':
    case 'linear':
      return tf.layers.activation({ name, activation: layer.type });
    case 'upsample':
      return tf.layers.upSampling2d({ name, size: pair(layer.factor, 2), interpolation: layer.interpolation ?? 'nearest' });
    case 'zeroPad':
      return tf.layers.zeroPadding2d({ name, padding: paddingPairs(layer.padding) as [[number, number], [number, number]] });
    case 'concat': {
      // The spec counts axes without the batch dimension; tfjs counts it.
      const axis = layer.axis ?? -1;
      return tf.layers.concatenate({ name, axis: axis < 0 ? axis : axis + 1 });
    }
    case 'add':
      return tf.layers.add({ name });
    case 'embedding':
      return new GanEmbedding({ name, inputDim: layer.inputDim, outputDim: layer.outputDim, seed });
  }
}

/** Trainable and non-trainable parameter counts as tfjs sees them. */
export function countParams(model: tf.LayersModel): { trainable: number; nonTrainable: number } {
  const size = (ws: tf.LayerVariable[]) => ws.reduce((sum, w) => sum + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
  return { trainable: size(model.trainableWeights), nonTrainable: size(model.nonTrainableWeights) };
}
