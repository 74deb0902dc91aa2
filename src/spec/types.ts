/**
 * The `.gan.json` format as TypeScript types.
 *
 * One file describes one GAN: where its data comes from, the latent vector and optional
 * class condition, the two networks, the loss and the training settings. The JSON Schema
 * in `schema.ts` documents every key for the editor; `schemaAgreement.test.ts` checks that
 * the schema and these types list the same keys and enum values, so neither can drift.
 *
 * Shapes are NHWC without the batch dimension: `[height, width, channels]` for images,
 * `[features]` for vectors.
 */

export type Shape = number[];

export interface GanSpec {
  /** Path or URL of the JSON schema, for editors. */
  $schema?: string;
  /** A short title for the GAN. */
  name?: string;
  /** Free text: what this GAN is and where it comes from. */
  description?: string;
  data: DataSpec;
  /** The generator's random input z. Absent for pix2pix, whose randomness is dropout. */
  latent?: LatentSpec;
  /** Class labels fed to both networks (conditional GAN). */
  condition?: ConditionSpec;
  generator: NetworkSpec;
  discriminator: NetworkSpec;
  loss: LossSpec;
  training: TrainingSpec;
}

// ---------------------------------------------------------------------------------------
// Data

export type DataSpec = Toy2dData | IdxData | ImageFolderData | PairedImagesData;

export type Toy2dDistribution = 'ring' | 'grid' | 'spiral' | 'moons';

/** Points in the plane drawn from a known mixture: the lecture's 2-D density picture. */
export interface Toy2dData {
  kind: 'toy2d';
  distribution: Toy2dDistribution;
  /** Standard deviation of each mode. */
  noise?: number;
  /** How many points make one epoch. */
  size?: number;
  /** Always `[2]` for toy data. */
  shape?: Shape;
}

/** MNIST-format IDX files (optionally gzipped), e.g. MNIST or Fashion-MNIST. */
export interface IdxData {
  kind: 'idx';
  images: string;
  labels?: string;
  /** The image shape the networks see, `[28, 28, 1]` for MNIST. */
  shape: Shape;
  /** Use only the first N images. */
  limit?: number;
}

/** A folder of PNG/JPEG images; class labels from sub-folder names. */
export interface ImageFolderData {
  kind: 'imageFolder';
  folder: string;
  shape: Shape;
  /** Read class labels from the names of sub-folders. */
  labelsFromSubfolders?: boolean;
  /** How images are fitted to `shape`. */
  resize?: 'cover' | 'contain' | 'stretch';
  limit?: number;
}

export type PairedLayout = 'sideBySide' | 'twoFolders';

/** Paired images for image-to-image translation (pix2pix). */
export interface PairedImagesData {
  kind: 'pairedImages';
  layout: PairedLayout;
  /** sideBySide: the folder of A|B images. */
  folder?: string;
  /** twoFolders: the folder of inputs (A). */
  folderA?: string;
  /** twoFolders: the folder of targets (B), matched to A by file name. */
  folderB?: string;
  /** Translate A→B (default) or B→A. */
  direction?: 'AtoB' | 'BtoA';
  /** Shape of the target (what the generator makes). */
  shape: Shape;
  /** Shape of the input image; defaults to `shape`. */
  sourceShape?: Shape;
  limit?: number;
}

// ---------------------------------------------------------------------------------------
// Latent vector and condition

export interface LatentSpec {
  size: number;
  distribution?: 'normal' | 'uniform';
}

export interface ConditionSpec {
  /** Number of classes; labels are integers 0 … classes−1. */
  classes: number;
  /** Optional display names of the classes, in label order. */
  names?: string[];
}

// ---------------------------------------------------------------------------------------
// Networks

export interface NetworkSpec {
  /** Free text shown in the diagram. */
  description?: string;
  /**
   * The shape of the network's main input as the author expects it (z for G, a sample for D).
   * Optional; when given it is checked against the latent vector or the data.
   */
  inputShape?: Shape;
  layers: LayerSpec[];
  /** Id of the layer whose output is the network's output; defaults to the last layer. */
  output?: string;
}

/**
 * Names a layer can take as input besides other layers' ids:
 * `latent` (z), `label` (class index, shape [1]), `source` (pix2pix input image) and,
 * in the discriminator only, `image` (a real or generated sample).
 */
export type NetworkInputName = 'latent' | 'label' | 'source' | 'image';

/** Keys every layer may have. */
export interface LayerBase {
  /** A name other layers use in `inputs`/`with`. */
  id?: string;
  /** The layers (or network inputs) feeding this one; defaults to the previous layer. */
  inputs?: string[];
  /** Free text. */
  comment?: string;
}

/** `same`, `valid`, or explicit zero padding: `p`, `[ph, pw]` or `[[top, bottom], [left, right]]`. */
export type Padding = 'same' | 'valid' | number | [number, number] | [[number, number], [number, number]];

/** A size given once for both spatial axes, or as `[height, width]`. */
export type Size2 = number | [number, number];

/** Activations that can be written inline on dense and convolution layers. */
export type InlineActivation = 'linear' | 'relu' | 'tanh' | 'sigmoid' | 'elu' | 'selu';

export interface DenseLayer extends LayerBase {
  type: 'dense';
  units: number;
  useBias?: boolean;
  activation?: InlineActivation;
}

export interface ReshapeLayer extends LayerBase {
  type: 'reshape';
  /** Target shape without the batch dimension; one entry may be −1. */
  shape: Shape;
}

export interface FlattenLayer extends LayerBase {
  type: 'flatten';
}

export interface Conv2dLayer extends LayerBase {
  type: 'conv2d';
  filters: number;
  kernel: Size2;
  stride?: Size2;
  padding?: Padding;
  dilation?: Size2;
  useBias?: boolean;
  activation?: InlineActivation;
}

export interface Conv2dTransposeLayer extends LayerBase {
  type: 'conv2dTranspose';
  filters: number;
  kernel: Size2;
  stride?: Size2;
  padding?: Padding;
  /** Extra rows/columns added on the bottom/right of the output (PyTorch `output_padding`). */
  outputPadding?: Size2;
  useBias?: boolean;
  activation?: InlineActivation;
}

export interface BatchNormLayer extends LayerBase {
  type: 'batchNorm';
  momentum?: number;
  epsilon?: number;
}

export interface InstanceNormLayer extends LayerBase {
  type: 'instanceNorm';
  epsilon?: number;
  /** Learn a per-channel scale and offset. */
  affine?: boolean;
}

export interface LayerNormLayer extends LayerBase {
  type: 'layerNorm';
  epsilon?: number;
}

export interface DropoutLayer extends LayerBase {
  type: 'dropout';
  rate: number;
}

export interface ReluLayer extends LayerBase {
  type: 'relu';
}

export interface LeakyReluLayer extends LayerBase {
  type: 'leakyRelu';
  alpha?: number;
}

export interface TanhLayer extends LayerBase {
  type: 'tanh';
}

export interface SigmoidLayer extends LayerBase {
  type: 'sigmoid';
}

export interface EluLayer extends LayerBase {
  type: 'elu';
  alpha?: number;
}

export interface SeluLayer extends LayerBase {
  type: 'selu';
}

export interface LinearLayer extends LayerBase {
  type: 'linear';
}

export interface UpsampleLayer extends LayerBase {
  type: 'upsample';
  factor?: Size2;
  interpolation?: 'nearest' | 'bilinear';
}

export interface ZeroPadLayer extends LayerBase {
  type: 'zeroPad';
  padding: Exclude<Padding, 'same' | 'valid'>;
}

export interface ConcatLayer extends LayerBase {
  type: 'concat';
  /** Shorthand: the previous layer joined with these. */
  with?: string[];
  axis?: number;
}

export interface AddLayer extends LayerBase {
  type: 'add';
  /** Shorthand: the previous layer added to these. */
  with?: string[];
}

export interface EmbeddingLayer extends LayerBase {
  type: 'embedding';
  /** Number of distinct labels (the condition's `classes`). */
  inputDim: number;
  outputDim: number;
}

export type LayerSpec =
  | DenseLayer
  | ReshapeLayer
  | FlattenLayer
  | Conv2dLayer
  | Conv2dTransposeLayer
  | BatchNormLayer
  | InstanceNormLayer
  | LayerNormLayer
  | DropoutLayer
  | ReluLayer
  | LeakyReluLayer
  | TanhLayer
  | SigmoidLayer
  | EluLayer
  | SeluLayer
  | LinearLayer
  | UpsampleLayer
  | ZeroPadLayer
  | ConcatLayer
  | AddLayer
  | EmbeddingLayer;

export type LayerType = LayerSpec['type'];

// ---------------------------------------------------------------------------------------
// Loss and training

export type LossKind = 'minimax' | 'nonSaturating' | 'leastSquares' | 'wasserstein' | 'hinge';

export interface LossSpec {
  kind: LossKind;
  /** minimax only: let G maximise log D(G(z)) instead of minimising log(1 − D(G(z))). */
  nonSaturatingGenerator?: boolean;
  /** wasserstein only: weight λ of the gradient penalty (WGAN-GP). */
  gradientPenalty?: number;
  /** Weight λ of the L1 distance between G(x) and the real target y (pix2pix). */
  l1?: number;
  /** One-sided label smoothing: the target for real samples, e.g. 0.9. */
  realLabel?: number;
}

export type OptimizerKind = 'adam' | 'rmsprop' | 'sgd';

export interface OptimizerSpec {
  kind: OptimizerKind;
  learningRate: number;
  beta1?: number;
  beta2?: number;
  momentum?: number;
  epsilon?: number;
}

export interface TrainingSpec {
  batchSize: number;
  /** Number of generator updates. Give `steps` or `epochs`. */
  steps?: number;
  /** Passes over the data set. Give `steps` or `epochs`. */
  epochs?: number;
  generatorOptimizer: OptimizerSpec;
  discriminatorOptimizer: OptimizerSpec;
  /** Discriminator updates per generator update. */
  discriminatorSteps?: number;
  seed?: number;
  /** Make a sample grid every N steps. */
  sampleEvery?: number;
  /** Write a checkpoint every N steps. */
  checkpointEvery?: number;
  /** How many samples the fixed latent batch holds. */
  sampleCount?: number;
}
