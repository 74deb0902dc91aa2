/**
 * Every check of the spec core, one row per case: a file snippet with the expected
 * problem's text marked ⟦like this⟧, and the expected codes. The test strips the markers,
 * analyses the text, and compares codes, severities and exact positions.
 */
import * as assert from 'node:assert/strict';
import { analyzeText } from './analyze';
import { PROBLEM_CODES, ProblemCode, Severity } from './problems';

interface Case {
  name: string;
  /** The file, with ⟦…⟧ around the text each expected problem highlights, in order. */
  text: string;
  /** Expected problems in file order; one per marker pair. */
  expect: { code: ProblemCode; severity?: Severity; message?: RegExp }[];
  /** Other problems that may appear but are not the subject of this case. */
  ignore?: ProblemCode[];
}

const OPT = '{ "kind": "adam", "learningRate": 0.0002, "beta1": 0.5 }';

/** A small valid GAN on 2-D points, with any section replaced. */
function gan(parts: { data?: string; latent?: string | null; condition?: string; generator?: string; discriminator?: string; loss?: string; training?: string } = {}): string {
  const sections = [
    `"data": ${parts.data ?? '{ "kind": "toy2d", "distribution": "ring" }'}`,
    parts.latent === null ? undefined : `"latent": ${parts.latent ?? '{ "size": 8 }'}`,
    parts.condition ? `"condition": ${parts.condition}` : undefined,
    `"generator": ${parts.generator ?? '{ "layers": [ { "type": "dense", "units": 16, "activation": "relu" }, { "type": "dense", "units": 2 } ] }'}`,
    `"discriminator": ${parts.discriminator ?? '{ "layers": [ { "type": "dense", "units": 16 }, { "type": "leakyRelu" }, { "type": "dense", "units": 1 } ] }'}`,
    `"loss": ${parts.loss ?? '{ "kind": "nonSaturating" }'}`,
    `"training": ${parts.training ?? `{ "batchSize": 64, "steps": 100, "generatorOptimizer": ${OPT}, "discriminatorOptimizer": ${OPT} }`}`,
  ];
  return `{\n  ${sections.filter(Boolean).join(',\n  ')}\n}\n`;
}

/** An image GAN on 8×8×1 data, for convolution cases. */
function imageGan(generatorLayers: string, discriminatorLayers?: string, extra: { data?: string; loss?: string; condition?: string; latent?: string | null } = {}): string {
  return gan({
    data: extra.data ?? '{ "kind": "idx", "images": "x.gz", "labels": "y.gz", "shape": [8, 8, 1] }',
    latent: extra.latent,
    condition: extra.condition,
    generator: `{ "layers": [ ${generatorLayers} ] }`,
    discriminator: `{ "layers": [ ${discriminatorLayers ?? '{ "type": "conv2d", "filters": 4, "kernel": 3, "stride": 2, "padding": "same" }, { "type": "flatten" }, { "type": "dense", "units": 1 }'} ] }`,
    loss: extra.loss,
  });
}

const G_TO_8x8 = '{ "type": "dense", "units": 64 }, { "type": "reshape", "shape": [8, 8, 1] }';

const CASES: Case[] = [
  // ---- The text itself
  { name: 'empty file', text: '⟦⟧', expect: [{ code: 'empty-file' }] },
  { name: 'whitespace only', text: '⟦⟧  \n\n ', expect: [{ code: 'empty-file' }] },
  { name: 'missing value', text: '{ "data": ⟦}⟧', expect: [{ code: 'json-syntax', message: /value/ }], ignore: ['missing-key'] },
  { name: 'missing comma', text: '{ "name": "a" ⟦"data"⟧: 1 }', expect: [{ code: 'json-syntax', message: /comma/ }], ignore: ['missing-key', 'wrong-type'] },
  { name: 'unclosed string', text: '{ "name": ⟦"abc⟧', expect: [{ code: 'json-syntax', message: /string/ }], ignore: ['json-syntax', 'missing-key'] },
  { name: 'truncated file: one problem for the objects left open', text: '{ "data": { "kind": "toy2d" ⟦⟧', expect: [{ code: 'json-syntax', message: /Expected } to close the object\. 2 objects are still open here\./ }], ignore: ['missing-key'] },
  { name: 'two values', text: '{}⟦{⟧}', expect: [{ code: 'json-syntax', message: /one JSON object/ }], ignore: ['missing-key'] },
  { name: 'nesting deeper than any GAN file', text: '{ "data": ' + '['.repeat(63) + '⟦[⟧' + '['.repeat(5000), expect: [{ code: 'too-deep' }] },
  { name: 'duplicate key', text: gan().replace('"loss":', '"loss": { "kind": "hinge" }, ⟦"loss"⟧:'), expect: [{ code: 'duplicate-key' }] },
  { name: 'the file is an array', text: '⟦[⟧1, 2]', expect: [{ code: 'wrong-type', message: /one JSON object/ }] },

  // ---- The schema
  { name: 'wrong type of a number', text: gan({ generator: '{ "layers": [ { "type": "dense", "units": ⟦"16"⟧ }, { "type": "dense", "units": 2 } ] }' }), expect: [{ code: 'wrong-type', message: /positive whole number, found the string "16"/ }] },
  { name: 'fractional filters', text: imageGan(`${G_TO_8x8}, { "type": "conv2d", "filters": ⟦1.5⟧, "kernel": 3, "padding": "same" }`), expect: [{ code: 'wrong-type' }] },
  { name: 'missing required key', text: imageGan(`${G_TO_8x8}, { "type": ⟦"conv2d"⟧, "kernel": 3, "padding": "same" }`), expect: [{ code: 'missing-key', message: /Missing "filters" in a conv2d layer/ }] },
  { name: 'unknown key with a suggestion', text: imageGan(`${G_TO_8x8}, { "type": "conv2d", ⟦"filter"⟧: 1, "kernel": 3, "padding": "same" }`), expect: [{ code: 'unknown-key', message: /Did you mean "filters"/ }], ignore: ['missing-key'] },
  { name: 'misspelt optional key', text: gan({ generator: '{ "layers": [ { "type": "dense", "units": 16, ⟦"useBais"⟧: false }, { "type": "dense", "units": 2 } ] }' }), expect: [{ code: 'unknown-key', message: /Did you mean "useBias"/ }] },
  { name: 'unknown top-level key', text: gan().replace('"data"', '⟦"optimiser"⟧: {}, "data"'), expect: [{ code: 'unknown-key' }] },
  { name: 'unknown layer type with a suggestion', text: gan({ generator: '{ "layers": [ { "type": ⟦"Dense"⟧, "units": 16 }, { "type": "dense", "units": 2 } ] }' }), expect: [{ code: 'bad-value', message: /Did you mean "dense"/ }] },
  { name: 'unknown padding word', text: imageGan(`${G_TO_8x8}, { "type": "conv2d", "filters": 1, "kernel": 3, "padding": ⟦"full"⟧ }`), expect: [{ code: 'bad-value', message: /"same", "valid"/ }] },
  { name: 'padding of the wrong type', text: imageGan(`${G_TO_8x8}, { "type": "conv2d", "filters": 1, "kernel": 3, "padding": ⟦true⟧ }`), expect: [{ code: 'wrong-type', message: /found true/ }] },
  { name: 'zero filters', text: imageGan(`${G_TO_8x8}, { "type": "conv2d", "filters": ⟦0⟧, "kernel": 3, "padding": "same" }`), expect: [{ code: 'out-of-range', message: /at least 1/ }] },
  { name: 'negative learning rate', text: gan({ training: `{ "batchSize": 64, "steps": 10, "generatorOptimizer": { "kind": "adam", "learningRate": ⟦-0.001⟧ }, "discriminatorOptimizer": ${OPT} }` }), expect: [{ code: 'out-of-range', message: /greater than 0/ }] },
  { name: 'dropout of 1', text: gan({ discriminator: '{ "layers": [ { "type": "dense", "units": 8 }, { "type": "dropout", "rate": ⟦1⟧ }, { "type": "dense", "units": 1 } ] }' }), expect: [{ code: 'out-of-range', message: /less than 1/ }] },
  { name: 'negative dropout', text: gan({ discriminator: '{ "layers": [ { "type": "dense", "units": 8 }, { "type": "dropout", "rate": ⟦-0.5⟧ }, { "type": "dense", "units": 1 } ] }' }), expect: [{ code: 'out-of-range' }] },
  { name: 'kernel with three sizes', text: imageGan(`${G_TO_8x8}, { "type": "conv2d", "filters": 1, "kernel": ⟦[3, 3, 3]⟧, "padding": "same" }`), expect: [{ code: 'bad-length', message: /exactly 2/ }] },
  { name: 'kernel size 0 inside a pair', text: imageGan(`${G_TO_8x8}, { "type": "conv2d", "filters": 1, "kernel": [3, ⟦0⟧], "padding": "same" }`), expect: [{ code: 'out-of-range' }] },
  { name: 'layers is not an array', text: gan({ generator: '{ "layers": { "type": ⟦"dense"⟧ } }' }), expect: [{ code: 'wrong-type', message: /an array of layers, found an object/ }] },
  { name: 'a layer that is a number', text: gan({ generator: '{ "layers": [ ⟦42⟧, { "type": "dense", "units": 2 } ] }' }), expect: [{ code: 'wrong-type', message: /an object/ }] },
  { name: 'missing section', text: '⟦{⟧' + gan().slice(1).replace(/,\n {2}"training": .*\n/, '\n'), expect: [{ code: 'missing-key', message: /Missing "training"/ }], ignore: ['missing-duration'] },
  { name: 'bad id characters', text: gan({ generator: '{ "layers": [ { "type": "dense", "units": 16, "id": ⟦"my layer"⟧ }, { "type": "dense", "units": 2 } ] }' }), expect: [{ code: 'bad-value' }] },
  { name: 'unknown data kind', text: gan({ data: '{ "kind": ⟦"csv"⟧ }' }), expect: [{ code: 'bad-value', message: /"toy2d"/ }] },

  // ---- Layer graphs
  { name: 'duplicate id', text: gan({ generator: '{ "layers": [ { "type": "dense", "units": 16, "id": "h" }, { "type": "dense", "units": 2, "id": ⟦"h"⟧ } ] }' }), expect: [{ code: 'duplicate-id' }] },
  { name: 'reserved id', text: gan({ generator: '{ "layers": [ { "type": "dense", "units": 16, "id": ⟦"latent"⟧ }, { "type": "dense", "units": 2 } ] }' }), expect: [{ code: 'reserved-id' }] },
  { name: 'unknown input with a suggestion', text: gan({ generator: '{ "layers": [ { "type": "dense", "units": 16, "id": "hidden" }, { "type": "dense", "units": 2, "inputs": [⟦"hiden"⟧] } ] }' }), expect: [{ code: 'unknown-input', message: /Did you mean "hidden"/ }], ignore: ['unused-layer'] },
  { name: 'source without paired data', text: gan({ generator: '{ "layers": [ { "type": "dense", "units": 16, "inputs": [⟦"source"⟧] }, { "type": "dense", "units": 2 } ] }' }), expect: [{ code: 'input-unavailable', message: /paired data/ }] },
  { name: 'image read by the generator', text: gan({ generator: '{ "layers": [ { "type": "dense", "units": 16, "inputs": [⟦"image"⟧] }, { "type": "dense", "units": 2 } ] }' }), expect: [{ code: 'input-unavailable', message: /only the discriminator/ }] },
  { name: 'label without a condition', text: gan({ generator: '{ "layers": [ { "type": "embedding", "inputs": [⟦"label"⟧], "inputDim": 8, "outputDim": 4 }, { "type": "flatten" }, { "type": "dense", "units": 2 } ] }' }), expect: [{ code: 'input-unavailable', message: /needs a condition/ }] },
  { name: 'inputs and with together', text: gan({ generator: '{ "layers": [ { "type": "dense", "units": 2, "id": "a" }, { "type": "concat", "inputs": ["a", "a"], ⟦"with"⟧: ["a"] } ] }' }), expect: [{ code: 'inputs-conflict' }], ignore: ['generator-output-mismatch'] },
  { name: 'concat with one input', text: gan({ generator: '{ "layers": [ { "type": "dense", "units": 2 }, { "type": ⟦"concat"⟧ } ] }' }), expect: [{ code: 'input-count', message: /two or more/ }] },
  { name: 'dense with two inputs', text: gan({ generator: '{ "layers": [ { "type": "dense", "units": 2, "id": "a" }, { "type": "dense", "units": 2, "id": "b" }, { "type": "dense", "units": 2, ⟦"inputs"⟧: ["a", "b"] } ] }' }), expect: [{ code: 'input-count', message: /concat or add/ }] },
  { name: 'a layer reading itself', text: gan({ generator: '{ "layers": [ { "type": "dense", "units": 16 }, { "type": "dense", "units": 2, "id": "x", "inputs": [⟦"x"⟧] } ] }' }), expect: [{ code: 'cycle' }], ignore: ['unused-layer'] },
  { name: 'two layers in a loop', text: gan({ generator: '{ "layers": [ { "type": "dense", "units": 2, "id": "a", ⟦"inputs"⟧: ["b"] }, { "type": "dense", "units": 2, "id": "b", ⟦"inputs"⟧: ["a"] } ] }' }), expect: [{ code: 'cycle' }, { code: 'cycle' }] },
  { name: 'unused layer', text: gan({ generator: '{ "layers": [ { "type": "dense", "units": 16, "id": "h" }, ⟦{⟧ "type": "dense", "units": 99 }, { "type": "dense", "units": 2, "inputs": ["h"] } ] }' }).replace('⟦{⟧ "type": "dense", "units": 99 }', '{ "type": ⟦"dense"⟧, "units": 99 }'), expect: [{ code: 'unused-layer', severity: 'warning' }] },
  { name: 'unknown output', text: gan({ generator: '{ "output": ⟦"out"⟧, "layers": [ { "type": "dense", "units": 16 }, { "type": "dense", "units": 2 } ] }' }), expect: [{ code: 'unknown-output' }] },

  // ---- Shapes
  { name: 'conv2d on a vector', text: imageGan(`{ "type": ⟦"conv2d"⟧, "filters": 1, "kernel": 3 }`), expect: [{ code: 'rank-mismatch', message: /reshape/ }] },
  { name: 'concat of different sizes', text: imageGan(`{ "type": "dense", "units": 64 }, { "type": "reshape", "shape": [4, 4, 4], "id": "small" }, { "type": "upsample", "id": "big" }, { "type": "concat", "inputs": ⟦["small", "big"]⟧ }, { "type": "conv2d", "filters": 1, "kernel": 1 }`), expect: [{ code: 'merge-shape-mismatch', message: /\[4, 4, 4\] and \[8, 8, 4\]/ }], ignore: ['generator-output-mismatch'] },
  { name: 'add of different channels', text: imageGan(`${G_TO_8x8}, { "type": "conv2d", "filters": 2, "kernel": 1, "id": "two" }, { "type": "conv2d", "filters": 1, "kernel": 1 }, { "type": "add", "with": ⟦["two"]⟧ }`), expect: [{ code: 'merge-shape-mismatch' }], ignore: ['generator-output-mismatch'] },
  { name: 'kernel larger than its input', text: imageGan(`{ "type": "dense", "units": 16 }, { "type": "reshape", "shape": [4, 4, 1] }, { "type": "conv2d", "filters": 1, "kernel": ⟦5⟧ }`), expect: [{ code: 'kernel-too-large', message: /spans 5 pixels/ }] },
  { name: 'dilated kernel larger than its input', text: imageGan(`${G_TO_8x8}, { "type": "conv2d", "filters": 1, "kernel": ⟦3⟧, "dilation": 4 }`), expect: [{ code: 'kernel-too-large', message: /spans 9/ }] },
  { name: 'transposed conv that crops everything', text: imageGan(`{ "type": "dense", "units": 1 }, { "type": "reshape", "shape": [1, 1, 1] }, { "type": "conv2dTranspose", "filters": 1, "kernel": 2, ⟦"padding"⟧: 1 }`).replace('⟦"padding"⟧: 1', '"padding": ⟦1⟧'), expect: [{ code: 'size-vanishes' }] },
  { name: 'stride that drops a row', text: imageGan(`${G_TO_8x8}`, `{ "type": "conv2d", "filters": 2, "kernel": 3, ⟦"stride"⟧: 2 }, { "type": "flatten" }, { "type": "dense", "units": 1 }`).replace('⟦"stride"⟧: 2', '"stride": ⟦2⟧'), expect: [{ code: 'size-fractional', severity: 'warning', message: /height and width/ }] },
  { name: 'reshape to the wrong size', text: imageGan(`{ "type": "dense", "units": 60 }, { "type": "reshape", "shape": ⟦[8, 8, 1]⟧ }`), expect: [{ code: 'reshape-size-mismatch', message: /60 values/ }] },
  { name: 'reshape with -1 that does not divide', text: imageGan(`{ "type": "dense", "units": 60 }, { "type": "reshape", "shape": ⟦[8, -1, 1]⟧ }`), expect: [{ code: 'reshape-size-mismatch' }] },
  { name: 'output padding as large as the stride', text: imageGan(`{ "type": "dense", "units": 16 }, { "type": "reshape", "shape": [4, 4, 1] }, { "type": "conv2dTranspose", "filters": 1, "kernel": 3, "stride": 2, "padding": 1, "outputPadding": ⟦2⟧ }`), expect: [{ code: 'output-padding-too-large' }] },
  { name: 'output padding with same', text: imageGan(`{ "type": "dense", "units": 16 }, { "type": "reshape", "shape": [4, 4, 1] }, { "type": "conv2dTranspose", "filters": 1, "kernel": 3, "stride": 2, "padding": "same", "outputPadding": ⟦1⟧ }`), expect: [{ code: 'output-padding-with-same' }] },
  { name: 'label straight into dense', text: gan({ condition: '{ "classes": 8 }', generator: '{ "layers": [ { "type": "dense", "units": 2, "inputs": ⟦["label"]⟧ } ] }' }), expect: [{ code: 'label-needs-embedding' }] },
  { name: 'embedding of floats', text: gan({ generator: '{ "layers": [ { "type": "embedding", "inputDim": 8, "outputDim": 2 } ] }' }).replace('{ "type": "embedding"', '{ "type": ⟦"embedding"⟧'), expect: [{ code: 'embedding-needs-label' }] },

  // ---- The GAN as a whole
  { name: 'generator makes the wrong shape', text: imageGan(`{ "type": "dense", "units": 16 }, { "type": "reshape", "shape": [4, 4, 1] }, { "type": ⟦"conv2dTranspose"⟧, "filters": 3, "kernel": 4, "stride": 2, "padding": 1 }`), expect: [{ code: 'generator-output-mismatch', message: /makes \[8, 8, 3\] but the data is \[8, 8, 1\].*filters to 1/ }] },
  { name: 'generator one up-sampling short', text: imageGan(`{ "type": "dense", "units": 16 }, { "type": ⟦"reshape"⟧, "shape": [4, 4, 1] }`), expect: [{ code: 'generator-output-mismatch', message: /One more ×2/ }] },
  { name: 'discriminator declares another input', text: imageGan(G_TO_8x8, undefined).replace('"discriminator": { "layers"', '"discriminator": { "inputShape": ⟦[28, 28, 1]⟧, "layers"'), expect: [{ code: 'discriminator-input-mismatch', message: /\[8, 8, 1\]/ }] },
  { name: 'discriminator declares data + condition channels', text: imageGan(G_TO_8x8, undefined, { condition: '{ "classes": 10 }' }).replace('"discriminator": { "layers"', '"discriminator": { "inputShape": ⟦[8, 8, 2]⟧, "layers"'), expect: [{ code: 'discriminator-input-mismatch', message: /condition joins inside/ }], ignore: ['condition-unused'] },
  { name: 'generator declares another latent size', text: gan({ generator: '{ "inputShape": ⟦[100]⟧, "layers": [ { "type": "dense", "units": 2 } ] }' }), expect: [{ code: 'generator-input-mismatch', message: /latent vector is \[8\]/ }] },
  { name: 'discriminator ends in a feature map', text: imageGan(G_TO_8x8, `{ "type": ⟦"conv2d"⟧, "filters": 4, "kernel": 3, "stride": 2, "padding": "same" }`), expect: [{ code: 'discriminator-output' }] },
  { name: 'discriminator ends in two units', text: gan({ discriminator: '{ "layers": [ { "type": ⟦"dense"⟧, "units": 2 } ] }' }), expect: [{ code: 'discriminator-output' }] },
  { name: 'generator without latent or source', text: gan({ latent: null }).replace('"generator"', '⟦"generator"⟧'), expect: [{ code: 'generator-without-input' }] },
  { name: 'paired data nobody translates', text: gan({ data: '{ "kind": "pairedImages", "layout": "sideBySide", "folder": "f", "shape": [2] }', generator: '{ "layers": [ { "type": "dense", "units": 2, "inputs": ["latent"] } ] }' }).replace('"generator"', '⟦"generator"⟧'), expect: [{ code: 'source-unused', severity: 'warning' }] },
  { name: 'condition nobody reads', text: gan({ condition: '{ "classes": 8 }' }).replace('"condition"', '⟦"condition"⟧'), expect: [{ code: 'condition-unused', severity: 'warning' }] },
  { name: 'condition on unlabelled data', text: imageGan(G_TO_8x8, undefined, { data: '{ "kind": "idx", "images": "x.gz", "shape": [8, 8, 1] }', condition: '{ "classes": 10 }' }).replace('"condition"', '⟦"condition"⟧'), expect: [{ code: 'condition-needs-labels', message: /labels file/ }], ignore: ['condition-unused'] },
  { name: 'embedding with another class count', text: gan({ condition: '{ "classes": 8 }', generator: '{ "layers": [ { "type": "embedding", "inputs": ["label"], "inputDim": ⟦5⟧, "outputDim": 4 }, { "type": "flatten" }, { "type": "dense", "units": 2 } ] }' }), expect: [{ code: 'classes-mismatch', message: /inputDim 5.*8 classes/ }] },
  { name: 'ring with ten classes', text: gan({ condition: '{ "classes": ⟦10⟧ }', generator: '{ "layers": [ { "type": "embedding", "inputs": ["label"], "inputDim": 10, "outputDim": 4 }, { "type": "flatten" }, { "type": "dense", "units": 2 } ] }' }), expect: [{ code: 'classes-mismatch', message: /8 modes/ }] },
  { name: 'L1 without paired data', text: gan({ loss: '{ "kind": "nonSaturating", ⟦"l1"⟧: 100 }' }), expect: [{ code: 'loss-needs-paired-data', message: /pairedImages/ }] },
  { name: 'gradient penalty on another loss', text: gan({ loss: '{ "kind": "hinge", ⟦"gradientPenalty"⟧: 10 }' }), expect: [{ code: 'option-ignored', severity: 'warning' }] },
  { name: 'non-saturating switch on another loss', text: gan({ loss: '{ "kind": "leastSquares", ⟦"nonSaturatingGenerator"⟧: true }' }), expect: [{ code: 'option-ignored', severity: 'warning' }] },
  { name: 'Wasserstein critic with a sigmoid', text: gan({ loss: '{ "kind": "wasserstein" }', discriminator: '{ "layers": [ { "type": "dense", "units": 1 }, { "type": ⟦"sigmoid"⟧ } ] }' }), expect: [{ code: 'critic-sigmoid', severity: 'warning' }] },
  { name: 'no steps or epochs', text: gan({ training: `{ "batchSize": 64, "generatorOptimizer": ${OPT}, "discriminatorOptimizer": ${OPT} }` }).replace('"training"', '⟦"training"⟧'), expect: [{ code: 'missing-duration' }] },
  { name: 'steps and epochs', text: gan({ training: `{ "batchSize": 64, "steps": 5, ⟦"epochs"⟧: 2, "generatorOptimizer": ${OPT}, "discriminatorOptimizer": ${OPT} }` }), expect: [{ code: 'duration-conflict' }] },

  // ---- Several problems at once, each at its place
  {
    name: 'three independent mistakes',
    text: imageGan(`{ "type": "dense", "units": 64 }, { "type": "reshape", "shape": [8, 8, 1] }, { "type": "conv2d", "filters": ⟦0⟧, "kernel": 3, "padding": "same" }`, `{ "type": "conv2d", "filters": 4, "kernel": 3, "padding": "same" }, { "type": "dropout", "rate": ⟦1.5⟧ }, { "type": "flatten" }, { "type": "dense", "units": 1 }`, { loss: '{ "kind": ⟦"wgan"⟧ }' }),
    expect: [{ code: 'out-of-range' }, { code: 'out-of-range' }, { code: 'bad-value' }],
  },
];

/** Strips ⟦…⟧ markers and returns the clean text with the marked ranges. */
function unmark(marked: string): { text: string; ranges: { start: number; end: number }[] } {
  let text = '';
  const ranges: { start: number; end: number }[] = [];
  let open = -1;
  for (const ch of marked) {
    if (ch === '⟦') open = text.length;
    else if (ch === '⟧') {
      ranges.push({ start: open, end: text.length });
      open = -1;
    } else text += ch;
  }
  return { text, ranges };
}

describe('spec checks (one row per case)', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const { text, ranges } = unmark(c.text);
      assert.equal(ranges.length, c.expect.length, 'the case marks one range per expected problem');
      const analysis = analyzeText(text);
      const at = (offset: number) => {
        const p = analysis.lines.positionAt(offset);
        return `${p.line + 1}:${p.character + 1}`;
      };
      const describe = (code: string, start: number, end: number) => `${code} ${at(start)}-${at(end)}`;
      const expected = c.expect.map((e, i) => describe(e.code, ranges[i].start, ranges[i].end));
      // Problems with an ignored code are dropped unless they are exactly an expected one.
      const actual = analysis.problems
        .map((p) => describe(p.code, p.start, p.end))
        .filter((d) => expected.includes(d) || !(c.ignore ?? []).includes(d.split(' ')[0] as ProblemCode));
      const report = analysis.problems.map((p) => `${describe(p.code, p.start, p.end)}: ${p.message}`).join('\n');
      assert.deepEqual([...actual].sort(), [...expected].sort(), report);
      c.expect.forEach((e, i) => {
        const problem = analysis.problems.find((p) => p.code === e.code && p.start === ranges[i].start && p.end === ranges[i].end)!;
        if (e.severity) assert.equal(problem.severity, e.severity, report);
        if (e.message) assert.match(problem.message, e.message, report);
      });
    });
  }

  it('covers every problem code', () => {
    const covered = new Set(CASES.flatMap((c) => c.expect.map((e) => e.code)));
    const missing = Object.keys(PROBLEM_CODES).filter((code) => !covered.has(code as ProblemCode));
    assert.deepEqual(missing, []);
  });
});
