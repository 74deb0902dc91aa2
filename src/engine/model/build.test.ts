import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { analyzeText } from '../../spec';
import { buildGan, buildNetwork, countParams } from './build';

const examplesDir = join(__dirname, '..', '..', '..', '..', 'examples');

function analysisOf(text: string) {
  const analysis = analyzeText(text);
  const errors = analysis.problems.filter((p) => p.severity === 'error');
  assert.deepEqual(errors.map((e) => e.message), []);
  return analysis;
}

/** A spec with the given networks and toy or image data, for layer-by-layer checks. */
function specText(generatorLayers: unknown[], discriminatorLayers: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    data: { kind: 'idx', images: 'x.gz', shape: [8, 8, 1] },
    latent: { size: 4 },
    generator: { layers: generatorLayers },
    discriminator: { layers: discriminatorLayers },
    loss: { kind: 'nonSaturating' },
    training: { batchSize: 2, steps: 1, generatorOptimizer: { kind: 'adam', learningRate: 0.001 }, discriminatorOptimizer: { kind: 'adam', learningRate: 0.001 } },
    ...extra,
  });
}

describe('engine/model: building tfjs models from a spec', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  for (const file of readdirSync(examplesDir).filter((f) => f.endsWith('.gan.json'))) {
    it(`${file}: tfjs' parameter counts and output shapes equal the spec core's`, () => {
      const analysis = analysisOf(readFileSync(join(examplesDir, file), 'utf8'));
      const before = tf.memory().numTensors;
      const { generator, discriminator } = buildGan(analysis, { seed: 1 });
      try {
        for (const [built, info] of [[generator, analysis.generator!], [discriminator, analysis.discriminator!]] as const) {
          const counts = countParams(built.model);
          assert.equal(counts.trainable, info.trainableParams, `${info.role} trainable`);
          assert.equal(counts.nonTrainable, info.nonTrainableParams, `${info.role} non-trainable`);
          const shape = built.model.outputs[0].shape.slice(1);
          assert.deepEqual(shape, info.outputShape, `${info.role} output shape`);
          // Every layer's output shape agrees, not only the totals.
          for (const layer of info.layers) {
            if (built.endsInSigmoid && layer.key === info.outputKey && layer.type === 'sigmoid') continue; // applied by the losses
            const tfLayer = built.model.layers.find((l) => l.name.startsWith(`${info.role[0]}${layer.index}_`));
            assert.ok(tfLayer, `layer ${layer.key} built`);
            const tfShape = (tfLayer.outputShape as number[]).slice(1);
            assert.deepEqual(tfShape, layer.outputShape, `${info.role} layer ${layer.key} (${layer.summary})`);
          }
        }
      } finally {
        generator.model.dispose();
        discriminator.model.dispose();
      }
      assert.equal(tf.memory().numTensors, before, 'disposing the models frees every weight');
    });
  }

  it('runs a forward pass whose shapes match, for the small examples', () => {
    for (const file of ['gan-2d-ring.gan.json', 'cgan-mnist.gan.json', 'dcgan-mnist.gan.json']) {
      const analysis = analysisOf(readFileSync(join(examplesDir, file), 'utf8'));
      const { generator, discriminator } = buildGan(analysis, { seed: 2 });
      tf.tidy(() => {
        const feed = (names: string[], shapes: Map<string, number[] | undefined>) =>
          names.map((n) => (n === 'label' ? tf.tensor2d([[1], [3]], [2, 1], 'int32') : tf.randomNormal([2, ...shapes.get(n)!])));
        const gShapes = new Map(analysis.generator!.inputs.map((i) => [i.name as string, i.shape]));
        const fake = generator.model.apply(feed(generator.inputNames, gShapes)) as tf.Tensor;
        assert.deepEqual(fake.shape, [2, ...analysis.generator!.outputShape!]);
        const dInputs = discriminator.inputNames.map((n) => (n === 'image' ? fake : n === 'label' ? tf.tensor2d([[1], [3]], [2, 1], 'int32') : tf.randomNormal([2, 1])));
        const verdict = discriminator.model.apply(dInputs) as tf.Tensor;
        assert.deepEqual(verdict.shape, [2, ...analysis.discriminator!.outputShape!]);
      });
      generator.model.dispose();
      discriminator.model.dispose();
    }
  });

  it('leaves out a final sigmoid layer or inline sigmoid of D so that it outputs logits', () => {
    const withLayer = analysisOf(specText(
      [{ type: 'dense', units: 64 }, { type: 'reshape', shape: [8, 8, 1] }],
      [{ type: 'flatten' }, { type: 'dense', units: 1 }, { type: 'sigmoid' }],
    ));
    const inline = analysisOf(specText(
      [{ type: 'dense', units: 64 }, { type: 'reshape', shape: [8, 8, 1] }],
      [{ type: 'flatten' }, { type: 'dense', units: 1, activation: 'sigmoid' }],
    ));
    for (const analysis of [withLayer, inline]) {
      const d = buildNetwork(analysis.spec!, analysis.discriminator!, { seed: 3 });
      assert.equal(d.endsInSigmoid, true);
      const logits = tf.tidy(() => (d.model.predict(tf.fill([4, 8, 8, 1], 10)) as tf.Tensor).dataSync());
      // A probability model could never leave (0, 1); the logits here do, given a large input.
      assert.ok(logits.some((v) => v < 0 || v > 1), `logits ${Array.from(logits)}`);
      const withSigmoid = buildNetwork(analysis.spec!, analysis.discriminator!, { seed: 3, logits: false });
      assert.equal(withSigmoid.endsInSigmoid, false);
      const probabilities = tf.tidy(() => (withSigmoid.model.predict(tf.fill([4, 8, 8, 1], 10)) as tf.Tensor).dataSync());
      probabilities.forEach((p, i) => assert.ok(Math.abs(p - 1 / (1 + Math.exp(-logits[i]))) < 1e-6));
      d.model.dispose();
      withSigmoid.model.dispose();
    }
  });

  it('gives the same initial weights for the same seed and different ones for another', () => {
    const analysis = analysisOf(readFileSync(join(examplesDir, 'gan-2d-ring.gan.json'), 'utf8'));
    const weights = (seed: number) => {
      const g = buildNetwork(analysis.spec!, analysis.generator!, { seed });
      const values = g.model.getWeights().map((w) => Array.from(w.dataSync()));
      g.model.dispose();
      return values;
    };
    assert.deepEqual(weights(5), weights(5));
    assert.notDeepEqual(weights(5), weights(6));
  });

  it('builds every layer type of the format with the spec core\'s shapes', () => {
    const analysis = analysisOf(specText(
      [
        { type: 'dense', units: 32, activation: 'elu' },
        { type: 'layerNorm' },
        { type: 'reshape', shape: [2, 2, -1], id: 'r' },
        { type: 'upsample', factor: 2, interpolation: 'bilinear' },
        { type: 'zeroPad', padding: [[1, 0], [0, 1]] },
        { type: 'conv2d', filters: 4, kernel: 3, stride: 2, padding: [[1, 1], [2, 0]], dilation: 2, activation: 'selu' },
        { type: 'conv2dTranspose', filters: 4, kernel: 1, stride: 3, padding: 'valid', id: 'small', comment: 'kernel < stride' },
        { type: 'conv2dTranspose', inputs: ['r'], filters: 3, kernel: 3, stride: 2, padding: 1, outputPadding: 1 },
        { type: 'concat', with: ['small'] },
        { type: 'instanceNorm', affine: false },
        { type: 'selu' },
        { type: 'conv2dTranspose', filters: 2, kernel: 2, stride: 2, padding: 'same' },
        { type: 'batchNorm', momentum: 0.9 },
        { type: 'leakyRelu', alpha: 0.1 },
        { type: 'elu', alpha: 0.5 },
        { type: 'dropout', rate: 0.2 },
        { type: 'conv2d', filters: 1, kernel: 1, activation: 'tanh', id: 'img' },
        { type: 'linear' },
        { type: 'add', with: ['img'] },
      ],
      [
        { type: 'conv2d', filters: 4, kernel: 3, stride: 1, padding: 'same' },
        { type: 'instanceNorm' },
        { type: 'relu', id: 'a' },
        { type: 'conv2d', inputs: ['image'], filters: 4, kernel: 3, padding: 'same' },
        { type: 'concat', with: ['a'], axis: 2 },
        { type: 'upsample', factor: [1, 2] },
        { type: 'flatten' },
        { type: 'dense', units: 1 },
      ],
    ));
    const { generator, discriminator } = buildGan(analysis, { seed: 1 });
    for (const [built, info] of [[generator, analysis.generator!], [discriminator, analysis.discriminator!]] as const) {
      const counts = countParams(built.model);
      assert.equal(counts.trainable, info.trainableParams, `${info.role} trainable`);
      assert.equal(counts.nonTrainable, info.nonTrainableParams, `${info.role} non-trainable`);
      for (const layer of info.layers) {
        const tfLayer = built.model.layers.find((l) => l.name.startsWith(`${info.role[0]}${layer.index}_`));
        assert.ok(tfLayer, `layer ${layer.key} built`);
        assert.deepEqual((tfLayer.outputShape as number[]).slice(1), layer.outputShape, `${info.role} layer ${layer.key} (${layer.summary})`);
      }
      const fake = tf.tidy(() => (built.model.predict(built.inputNames.map(() => tf.zeros([1, ...(built.role === 'generator' ? [4] : [8, 8, 1])]))) as tf.Tensor).shape);
      assert.deepEqual(fake.slice(1), info.outputShape);
    }
    generator.model.dispose();
    discriminator.model.dispose();
  });
});
