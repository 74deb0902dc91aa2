/**
 * The JSON Schema of `.gan.json`, written once here and used three ways:
 * - `npm run build` writes it to `schemas/gan.schema.json`, which the extension contributes
 *   through `jsonValidation` (VS Code's JSON support then gives completion, hover docs and
 *   schema squiggles);
 * - `validate.ts` interprets it to report structural problems outside the editor (CLI);
 * - hover and the diagram read the layer docs from it.
 *
 * `schemaAgreement.test.ts` checks it against `types.ts` key by key.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type SchemaNode = { [key: string]: Json };

/** Plain-text description for tools that ignore `markdownDescription`. */
function plain(markdown: string): string {
  return markdown.replace(/`/g, '').replace(/\*\*/g, '').replace(/\[([^\]]+)\]\([^)]+\)/g, '$1');
}

/** Attach documentation to a schema node. */
function doc(markdown: string, node: SchemaNode): SchemaNode {
  return { ...node, markdownDescription: markdown, description: plain(markdown) };
}

const ref = (name: string): SchemaNode => ({ $ref: `#/definitions/${name}` });

function documentedEnum(values: Record<string, string>): SchemaNode {
  const keys = Object.keys(values);
  return { type: 'string', enum: keys, markdownEnumDescriptions: keys.map((k) => values[k]) };
}

const positiveInt = (extra: SchemaNode = {}): SchemaNode => ({ type: 'integer', minimum: 1, ...extra });
const nonNegativeInt = (extra: SchemaNode = {}): SchemaNode => ({ type: 'integer', minimum: 0, ...extra });

// ---------------------------------------------------------------------------------------
// Shared pieces

const shapeSchema: SchemaNode = {
  type: 'array',
  items: { type: 'integer', minimum: 1 },
  minItems: 1,
  maxItems: 3,
};

const size2Schema: SchemaNode = {
  anyOf: [
    positiveInt(),
    { type: 'array', items: positiveInt(), minItems: 2, maxItems: 2 },
  ],
};

const explicitPaddingSchema: SchemaNode[] = [
  nonNegativeInt(),
  { type: 'array', items: nonNegativeInt(), minItems: 2, maxItems: 2 },
  {
    type: 'array',
    items: { type: 'array', items: nonNegativeInt(), minItems: 2, maxItems: 2 },
    minItems: 2,
    maxItems: 2,
  },
];

const paddingSchema: SchemaNode = {
  anyOf: [
    documentedEnum({
      same: 'Pad so that output size = ceil(input / stride) (TensorFlow `same`).',
      valid: 'No padding: output = floor((input − kernel) / stride) + 1.',
    }),
    ...explicitPaddingSchema,
  ],
  default: 'valid',
};

const inlineActivation = documentedEnum({
  linear: 'No activation (identity).',
  relu: 'max(0, x).',
  tanh: 'Hyperbolic tangent, output in (−1, 1): the usual last layer of an image generator.',
  sigmoid: '1 / (1 + e^−x), output in (0, 1): a probability.',
  elu: 'Exponential linear unit with α = 1.',
  selu: 'Scaled ELU (self-normalising).',
});

// ---------------------------------------------------------------------------------------
// Layers

const layerCommon: Record<string, SchemaNode> = {
  id: doc(
    'A name for this layer, unique in its network, so that other layers can take it as input (`inputs`, `with`) — e.g. the encoder layers of a U-Net that the decoder concatenates. Reserved: `latent`, `label`, `source`, `image`.',
    { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$' },
  ),
  inputs: doc(
    'The layers feeding this one, by `id`, or the network inputs `latent` (z), `label` (class index), `source` (pix2pix input image) and, in the discriminator, `image` (the real or generated sample). Defaults to the previous layer (the network\'s main input for the first layer).',
    { type: 'array', items: { type: 'string' }, minItems: 1 },
  ),
  comment: doc('Free text, ignored by the tools.', { type: 'string' }),
};

interface LayerDoc {
  title: string;
  markdown: string;
  properties: Record<string, SchemaNode>;
  required?: string[];
  snippet: Record<string, Json>;
}

const useBias = doc(
  'Learn an additive bias per output unit/filter. Turn off before a normalisation layer, whose offset makes the bias redundant (as DCGAN and pix2pix do).',
  { type: 'boolean', default: true },
);
const kernel = doc('Kernel size: `k` or `[kh, kw]`.', size2Schema);
const stride = doc('Stride: `s` or `[sh, sw]`.', { ...size2Schema, default: 1 });
const padding = doc(
  'How the input is padded: `"same"`, `"valid"`, or explicit zero padding as PyTorch writes it — `p` on every side, `[ph, pw]`, or `[[top, bottom], [left, right]]`.',
  paddingSchema,
);
const activation = doc('An activation applied to the output (same as a separate activation layer).', {
  ...inlineActivation,
  default: 'linear',
});
const epsilon = (dflt: number) => doc('Small constant added to the variance for numerical stability.', {
  type: 'number',
  exclusiveMinimum: 0,
  default: dflt,
});
const mergeWith = doc(
  'Shorthand for `inputs`: the previous layer merged with these layer ids (a U-Net skip: `"with": ["down3"]`).',
  { type: 'array', items: { type: 'string' }, minItems: 1 },
);

export const LAYER_DOCS: Record<string, LayerDoc> = {
  dense: {
    title: 'Dense (fully connected)',
    markdown:
      'Fully connected layer on the last axis: `[…, n] → […, units]`. Parameters: `n·units` weights + `units` biases.',
    properties: {
      units: doc('Number of output units.', positiveInt()),
      useBias,
      activation,
    },
    required: ['units'],
    snippet: { type: 'dense', units: 128 },
  },
  reshape: {
    title: 'Reshape',
    markdown: 'Reinterpret the input as `shape` (same number of elements). Typical after a generator\'s first dense layer: `[12544] → [7, 7, 256]`.',
    properties: {
      shape: doc('Target shape without the batch dimension; one entry may be `-1` (inferred).', {
        type: 'array',
        items: { type: 'integer', minimum: -1 },
        minItems: 1,
        maxItems: 3,
      }),
    },
    required: ['shape'],
    snippet: { type: 'reshape', shape: [7, 7, 256] },
  },
  flatten: {
    title: 'Flatten',
    markdown: 'Flatten to a vector: `[h, w, c] → [h·w·c]`. No parameters.',
    properties: {},
    snippet: { type: 'flatten' },
  },
  conv2d: {
    title: '2-D convolution',
    markdown:
      'Strided convolution over `[h, w, c]`. Output size per axis: `floor((in + padding − dilation·(kernel − 1) − 1) / stride) + 1` (`same`: `ceil(in / stride)`). Parameters: `kh·kw·c·filters` weights + `filters` biases.',
    properties: {
      filters: doc('Number of output channels.', positiveInt()),
      kernel,
      stride,
      padding,
      dilation: doc('Dilation: `d` or `[dh, dw]`.', { ...size2Schema, default: 1 }),
      useBias,
      activation,
    },
    required: ['filters', 'kernel'],
    snippet: { type: 'conv2d', filters: 64, kernel: 4, stride: 2, padding: 1 },
  },
  conv2dTranspose: {
    title: '2-D transposed convolution',
    markdown:
      'Fractionally-strided ("de-")convolution that grows the image. Output size per axis: `(in − 1)·stride + kernel − padBefore − padAfter + outputPadding` (`same`: `in·stride`). Parameters: `kh·kw·c·filters` weights + `filters` biases.',
    properties: {
      filters: doc('Number of output channels.', positiveInt()),
      kernel,
      stride,
      padding,
      outputPadding: doc(
        'Extra rows/columns on the bottom/right of the output, to pick among the output sizes a stride allows (PyTorch `output_padding`); must be smaller than the stride.',
        { anyOf: [nonNegativeInt(), { type: 'array', items: nonNegativeInt(), minItems: 2, maxItems: 2 }], default: 0 },
      ),
      useBias,
      activation,
    },
    required: ['filters', 'kernel'],
    snippet: { type: 'conv2dTranspose', filters: 64, kernel: 4, stride: 2, padding: 1, useBias: false },
  },
  batchNorm: {
    title: 'Batch normalisation',
    markdown:
      'Normalise each channel over the batch. Parameters: `2·c` trainable (scale γ, offset β) and `2·c` non-trainable (moving mean and variance), as Keras counts them.',
    properties: {
      momentum: doc('Weight of the old value in the moving averages (Keras convention; PyTorch\'s 0.1 is 0.9 here).', {
        type: 'number',
        minimum: 0,
        exclusiveMaximum: 1,
        default: 0.99,
      }),
      epsilon: epsilon(0.001),
    },
    snippet: { type: 'batchNorm' },
  },
  instanceNorm: {
    title: 'Instance normalisation',
    markdown: 'Normalise each channel of each sample over its own height and width (style transfer, CycleGAN). Parameters: `2·c` when `affine`.',
    properties: {
      epsilon: epsilon(0.001),
      affine: doc('Learn a per-channel scale and offset (PyTorch\'s `InstanceNorm2d` defaults to `false`).', {
        type: 'boolean',
        default: true,
      }),
    },
    snippet: { type: 'instanceNorm' },
  },
  layerNorm: {
    title: 'Layer normalisation',
    markdown: 'Normalise each sample over its last axis (Keras `LayerNormalization`). Parameters: `2·c`.',
    properties: { epsilon: epsilon(0.001) },
    snippet: { type: 'layerNorm' },
  },
  dropout: {
    title: 'Dropout',
    markdown: 'Zero a random fraction `rate` of the values while training. In pix2pix the decoder\'s dropout is the generator\'s only noise.',
    properties: {
      rate: doc('Fraction of values dropped, in [0, 1).', { type: 'number', minimum: 0, exclusiveMaximum: 1 }),
    },
    required: ['rate'],
    snippet: { type: 'dropout', rate: 0.3 },
  },
  relu: { title: 'ReLU', markdown: '`max(0, x)`. No parameters.', properties: {}, snippet: { type: 'relu' } },
  leakyRelu: {
    title: 'Leaky ReLU',
    markdown: '`x` if `x > 0`, else `alpha·x`. DCGAN uses it in the discriminator with α = 0.2.',
    properties: {
      alpha: doc('Slope for negative inputs.', { type: 'number', minimum: 0, default: 0.2 }),
    },
    snippet: { type: 'leakyRelu', alpha: 0.2 },
  },
  tanh: { title: 'Tanh', markdown: 'Hyperbolic tangent, output in (−1, 1): the usual last layer of an image generator (data is scaled to [−1, 1]).', properties: {}, snippet: { type: 'tanh' } },
  sigmoid: { title: 'Sigmoid', markdown: '`1 / (1 + e^−x)`. As the discriminator\'s last layer it makes D output a probability; without it D outputs logits.', properties: {}, snippet: { type: 'sigmoid' } },
  elu: {
    title: 'ELU',
    markdown: '`x` if `x > 0`, else `alpha·(eˣ − 1)`.',
    properties: { alpha: doc('Scale for negative inputs.', { type: 'number', minimum: 0, default: 1 }) },
    snippet: { type: 'elu' },
  },
  selu: { title: 'SELU', markdown: 'Scaled ELU with the self-normalising constants.', properties: {}, snippet: { type: 'selu' } },
  linear: { title: 'Linear', markdown: 'Identity; useful as a named junction.', properties: {}, snippet: { type: 'linear' } },
  upsample: {
    title: 'Upsample',
    markdown: 'Repeat/interpolate pixels: `[h, w, c] → [h·fh, w·fw, c]`. With a stride-1 convolution after it, an alternative to transposed convolution without checkerboard artefacts.',
    properties: {
      factor: doc('Scale factor: `f` or `[fh, fw]`.', { ...size2Schema, default: 2 }),
      interpolation: doc('How new pixels are filled.', {
        ...documentedEnum({ nearest: 'Copy the nearest pixel.', bilinear: 'Linear interpolation in both axes.' }),
        default: 'nearest',
      }),
    },
    snippet: { type: 'upsample', factor: 2 },
  },
  zeroPad: {
    title: 'Zero padding',
    markdown: 'Pad height and width with zeros: `p`, `[ph, pw]` or `[[top, bottom], [left, right]]`. (TensorFlow\'s pix2pix uses it before valid convolutions.)',
    properties: {
      padding: doc('Zero rows/columns to add.', { anyOf: explicitPaddingSchema }),
    },
    required: ['padding'],
    snippet: { type: 'zeroPad', padding: 1 },
  },
  concat: {
    title: 'Concatenate',
    markdown: 'Join inputs along an axis (channels by default); all other axes must agree. A U-Net decoder concatenates each up-sampled map with the encoder map of the same size.',
    properties: {
      with: mergeWith,
      axis: doc('Axis to join along; negative counts from the end. `-1` is channels.', { type: 'integer', default: -1 }),
    },
    snippet: { type: 'concat', with: ['skip'] },
  },
  add: {
    title: 'Add',
    markdown: 'Element-wise sum of inputs of the same shape (a residual connection).',
    properties: { with: mergeWith },
    snippet: { type: 'add', with: ['skip'] },
  },
  embedding: {
    title: 'Embedding',
    markdown: 'Look up a learned vector per class label: `[1] → [1, outputDim]`. Parameters: `inputDim·outputDim`. Feed it `"inputs": ["label"]`.',
    properties: {
      inputDim: doc('Number of distinct labels: the condition\'s `classes`.', positiveInt()),
      outputDim: doc('Length of each label\'s vector.', positiveInt()),
    },
    required: ['inputDim', 'outputDim'],
    snippet: { type: 'embedding', inputs: ['label'], inputDim: 10, outputDim: 50 },
  },
};

export const LAYER_TYPES = Object.keys(LAYER_DOCS);

function layerDefinition(type: string, layer: LayerDoc): SchemaNode {
  return doc(`**${layer.title}** — ${layer.markdown}`, {
    type: 'object',
    properties: {
      type: { const: type },
      ...layerCommon,
      ...layer.properties,
    },
    required: ['type', ...(layer.required ?? [])],
    additionalProperties: false,
  });
}

/** `kind`/`type`-tagged unions: VS Code and `validate.ts` pick the branch by the tag value. */
function taggedUnion(tag: string, branches: Record<string, string>, tagDocs: Record<string, string>): SchemaNode {
  return {
    type: 'object',
    required: [tag],
    properties: { [tag]: documentedEnum(tagDocs) },
    allOf: Object.entries(branches).map(([value, definition]) => ({
      if: { properties: { [tag]: { const: value } }, required: [tag] },
      then: ref(definition),
    })),
  };
}

const layerUnion: SchemaNode = {
  ...taggedUnion(
    'type',
    Object.fromEntries(LAYER_TYPES.map((t) => [t, `${t}Layer`])),
    Object.fromEntries(LAYER_TYPES.map((t) => [t, `**${LAYER_DOCS[t].title}** — ${LAYER_DOCS[t].markdown}`])),
  ),
  defaultSnippets: LAYER_TYPES.map((t) => ({
    label: t,
    description: LAYER_DOCS[t].title,
    body: LAYER_DOCS[t].snippet,
  })),
};

// ---------------------------------------------------------------------------------------
// Data

const dataCommonLimit = doc('Use only N examples (handy for quick experiments): the first N of an IDX file; of a folder, N files spread evenly over the sorted list, so that every class keeps examples.', positiveInt());
const imageShape = doc('`[height, width, channels]` the networks see; images are resized/cropped to it and scaled to [−1, 1].', shapeSchema);

const dataDefinitions: Record<string, SchemaNode> = {
  toy2dData: doc('Points in the plane from a known mixture of Gaussians: the lecture\'s 2-D density picture.', {
    type: 'object',
    properties: {
      kind: { const: 'toy2d' },
      distribution: doc('Which 2-D distribution.', documentedEnum({
        ring: 'Eight Gaussians on a circle of radius 2 (the classic mode-collapse test).',
        grid: 'A 5×5 grid of Gaussians.',
        spiral: 'Points along a two-turn spiral.',
        moons: 'Two interleaving half circles.',
      })),
      noise: doc('Standard deviation of each mode.', { type: 'number', exclusiveMinimum: 0, default: 0.05 }),
      size: doc('How many points make one epoch.', { ...positiveInt(), default: 10000 }),
      shape: doc('Always `[2]`.', { type: 'array', items: { const: 2 }, minItems: 1, maxItems: 1 }),
    },
    required: ['kind', 'distribution'],
    additionalProperties: false,
  }),
  idxData: doc('MNIST-format IDX files, gzipped or not (MNIST, Fashion-MNIST: `apt-get install dataset-fashion-mnist`).', {
    type: 'object',
    properties: {
      kind: { const: 'idx' },
      images: doc('Path of the images file (`…-images-idx3-ubyte[.gz]`), relative to this file or absolute.', { type: 'string', minLength: 1 }),
      labels: doc('Path of the labels file (`…-labels-idx1-ubyte[.gz]`); needed for a `condition`.', { type: 'string', minLength: 1 }),
      shape: imageShape,
      limit: dataCommonLimit,
    },
    required: ['kind', 'images', 'shape'],
    additionalProperties: false,
  }),
  imageFolderData: doc('A folder of PNG/JPEG images (searched recursively).', {
    type: 'object',
    properties: {
      kind: { const: 'imageFolder' },
      folder: doc('The folder, relative to this file or absolute.', { type: 'string', minLength: 1 }),
      shape: imageShape,
      labelsFromSubfolders: doc('Use the sub-folder names as class labels (sorted), for a conditional GAN.', { type: 'boolean', default: false }),
      resize: doc('How an image is fitted to `shape`.', {
        ...documentedEnum({
          cover: 'Scale to cover, then centre-crop.',
          contain: 'Scale to fit, then pad.',
          stretch: 'Scale each axis independently.',
        }),
        default: 'cover',
      }),
      limit: dataCommonLimit,
    },
    required: ['kind', 'folder', 'shape'],
    additionalProperties: false,
  }),
  pairedImagesData: doc('Paired images (input A, target B) for image-to-image translation, as pix2pix reads them.', {
    type: 'object',
    properties: {
      kind: { const: 'pairedImages' },
      layout: doc('How pairs are stored.', documentedEnum({
        sideBySide: 'Each file holds A and B side by side (A|B), the pix2pix data sets\' layout; give `folder`.',
        twoFolders: 'A in `folderA`, B in `folderB`, matched by file name.',
      })),
      folder: doc('sideBySide: the folder of A|B images.', { type: 'string', minLength: 1 }),
      folderA: doc('twoFolders: the inputs.', { type: 'string', minLength: 1 }),
      folderB: doc('twoFolders: the targets.', { type: 'string', minLength: 1 }),
      direction: doc('Which side is the input.', { ...documentedEnum({ AtoB: 'A → B.', BtoA: 'B → A.' }), default: 'AtoB' }),
      shape: doc('`[height, width, channels]` of the target (what the generator makes).', shapeSchema),
      sourceShape: doc('`[height, width, channels]` of the input image; defaults to `shape`.', shapeSchema),
      limit: dataCommonLimit,
    },
    required: ['kind', 'layout', 'shape'],
    additionalProperties: false,
  }),
};

const dataUnion = doc('Where the real samples come from.', taggedUnion(
  'kind',
  { toy2d: 'toy2dData', idx: 'idxData', imageFolder: 'imageFolderData', pairedImages: 'pairedImagesData' },
  {
    toy2d: '2-D points from a known distribution.',
    idx: 'MNIST-format IDX files.',
    imageFolder: 'A folder of images.',
    pairedImages: 'Paired images (pix2pix).',
  },
));

// ---------------------------------------------------------------------------------------
// Networks, loss, training

const network = (who: string, firstInput: string): SchemaNode =>
  doc(`The ${who}: a list of layers, each fed by the previous one unless it names its \`inputs\`. The first layer reads ${firstInput}.`, {
    type: 'object',
    properties: {
      description: doc('Free text shown in the diagram.', { type: 'string' }),
      inputShape: doc(`The shape of the ${who}'s main input as you expect it (${who.startsWith('generator') ? '`[latentSize]`, or the source image for pix2pix' : 'one sample: the data\'s `shape`'}). Optional; checked, so that a change of data or latent size is caught here.`, shapeSchema),
      layers: doc('The layers, in order.', { type: 'array', items: ref('layer'), minItems: 1 }),
      output: doc('Id of the layer whose output is the network\'s output; defaults to the last layer.', { type: 'string' }),
    },
    required: ['layers'],
    additionalProperties: false,
  });

const optimizer = doc('Optimiser of one network.', {
  type: 'object',
  properties: {
    kind: doc('Algorithm.', documentedEnum({
      adam: 'Adam (DCGAN: learning rate 2e-4, β1 = 0.5).',
      rmsprop: 'RMSProp (the original WGAN).',
      sgd: 'Plain or momentum SGD.',
    })),
    learningRate: doc('Step size.', { type: 'number', exclusiveMinimum: 0 }),
    beta1: doc('Adam: decay of the first-moment estimate.', { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.9 }),
    beta2: doc('Adam: decay of the second-moment estimate.', { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.999 }),
    momentum: doc('SGD and RMSProp: momentum.', { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0 }),
    epsilon: doc('Adam and RMSProp: small constant in the denominator.', { type: 'number', exclusiveMinimum: 0, default: 1e-7 }),
  },
  required: ['kind', 'learningRate'],
  additionalProperties: false,
  defaultSnippets: [{ label: 'Adam (DCGAN)', body: { kind: 'adam', learningRate: 0.0002, beta1: 0.5 } }],
});

const loss = doc('The adversarial objective, and extra terms.', {
  type: 'object',
  properties: {
    kind: doc('The GAN loss.', documentedEnum({
      minimax: 'The original `min_G max_D E[log D(x)] + E[log(1 − D(G(z)))]` of Goodfellow et al. (the lecture\'s V(D, G)).',
      nonSaturating: 'D as in minimax; G maximises `log D(G(z))` instead, which gives strong gradients early on.',
      leastSquares: 'LSGAN: squared distance of D\'s output to the real/fake targets.',
      wasserstein: 'WGAN: D is a critic estimating the Wasserstein distance; use with `gradientPenalty` (WGAN-GP) and a linear last layer.',
      hinge: 'Hinge loss (SNGAN, BigGAN).',
    })),
    nonSaturatingGenerator: doc('`minimax` only: switch G to the non-saturating objective.', { type: 'boolean', default: false }),
    gradientPenalty: doc('`wasserstein` only: weight λ of the gradient penalty on interpolates (WGAN-GP uses 10).', { type: 'number', minimum: 0, default: 10 }),
    l1: doc('Weight λ of `‖y − G(x)‖₁` added to G\'s loss (pix2pix uses 100). Needs paired data.', { type: 'number', minimum: 0 }),
    realLabel: doc('One-sided label smoothing: D\'s target for real samples (e.g. 0.9).', { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 1 }),
  },
  required: ['kind'],
  additionalProperties: false,
});

const training = doc('How training runs.', {
  type: 'object',
  properties: {
    batchSize: doc('Samples per step.', positiveInt()),
    steps: doc('Number of generator updates. Give `steps` or `epochs`.', positiveInt()),
    epochs: doc('Passes over the data set. Give `steps` or `epochs`.', positiveInt()),
    generatorOptimizer: optimizer,
    discriminatorOptimizer: optimizer,
    discriminatorSteps: doc('Discriminator updates per generator update (WGAN uses 5).', { ...positiveInt(), default: 1 }),
    seed: doc('Seed of every random choice (weights, batches, noise): the same seed gives the same run.', { ...nonNegativeInt(), default: 0 }),
    sampleEvery: doc('Save a sample grid every N steps.', { ...positiveInt(), default: 200 }),
    checkpointEvery: doc('Write a checkpoint every N steps.', { ...positiveInt(), default: 1000 }),
    sampleCount: doc('Size of the fixed latent batch drawn in sample grids.', { ...positiveInt({ maximum: 256 }), default: 64 }),
  },
  required: ['batchSize', 'generatorOptimizer', 'discriminatorOptimizer'],
  additionalProperties: false,
});

export const GAN_SCHEMA: SchemaNode = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://gan-studio.dev/schemas/gan.schema.json',
  title: 'GAN Studio model (.gan.json)',
  ...doc('One Generative Adversarial Network: its data, generator, discriminator, loss and training.', {}),
  type: 'object',
  properties: {
    $schema: { type: 'string' },
    name: doc('A short title for the GAN.', { type: 'string' }),
    description: doc('What this GAN is and where it comes from.', { type: 'string' }),
    data: dataUnion,
    latent: doc('The random vector z the generator turns into a sample.', {
      type: 'object',
      properties: {
        size: doc('Length of z (DCGAN: 100).', positiveInt()),
        distribution: doc('Where z is drawn from.', {
          ...documentedEnum({ normal: 'Standard normal N(0, 1).', uniform: 'Uniform on [−1, 1].' }),
          default: 'normal',
        }),
      },
      required: ['size'],
      additionalProperties: false,
    }),
    condition: doc('A class label given to both networks (conditional GAN). Layers take it with `"inputs": ["label"]`.', {
      type: 'object',
      properties: {
        classes: doc('Number of classes; labels are 0 … classes − 1.', { type: 'integer', minimum: 2 }),
        names: doc('Display names of the classes, in label order.', { type: 'array', items: { type: 'string' } }),
      },
      required: ['classes'],
      additionalProperties: false,
    }),
    generator: network('generator G', '`latent` (or `source` for pix2pix)'),
    discriminator: network('discriminator D', '`image` (a real or generated sample)'),
    loss,
    training,
  },
  required: ['data', 'generator', 'discriminator', 'loss', 'training'],
  additionalProperties: false,
  definitions: {
    layer: layerUnion,
    ...Object.fromEntries(LAYER_TYPES.map((t) => [`${t}Layer`, layerDefinition(t, LAYER_DOCS[t])])),
    ...dataDefinitions,
  },
};
