import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { bceWithLogits, discriminatorLoss, generatorLoss, gradientPenalty, LossConfig, meanVerdict } from './losses';
import { GanConv2D } from './model/customLayers';
import { analyzeText } from '../spec';
import { buildNetwork } from './model/build';
import { registerSecondOrderGradients } from './wasm/secondOrderGradients';

const sigma = (x: number) => 1 / (1 + Math.exp(-x));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function config(overrides: Partial<LossConfig>): LossConfig {
  return { kind: 'minimax', nonSaturatingGenerator: false, gradientPenalty: 0, l1: 0, realLabel: 1, endsInSigmoid: false, ...overrides };
}

function value(t: tf.Scalar): number {
  return t.dataSync()[0];
}

function close(actual: number, expected: number, what: string, tolerance = 1e-5) {
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${what}: ${actual} ≠ ${expected}`);
}

describe('engine/losses', () => {
  before(async () => {
    await tf.setBackend('cpu');
    registerSecondOrderGradients();
  });

  const realLogits = [2, -1];
  const fakeLogits = [0, 3];
  const real = () => tf.tensor2d(realLogits, [2, 1]);
  const fake = () => tf.tensor2d(fakeLogits, [2, 1]);

  it('minimax: D minimises −log D(x) − log(1 − D(G(z))); G minimises log(1 − D(G(z)))', () => {
    const d = discriminatorLoss(config({ kind: 'minimax' }), real(), fake());
    const dReal = mean(realLogits.map((l) => -Math.log(sigma(l))));
    const dFake = mean(fakeLogits.map((l) => -Math.log(1 - sigma(l))));
    close(value(d.parts.dReal), dReal, 'dReal');
    close(value(d.parts.dFake), dFake, 'dFake');
    close(value(d.total), dReal + dFake, 'dLoss');
    close(value(d.total), 0.720095 + 1.870867, 'dLoss by hand', 1e-6);
    const g = generatorLoss(config({ kind: 'minimax' }), fake());
    close(value(g.total), mean(fakeLogits.map((l) => Math.log(1 - sigma(l)))), 'saturating G');
    close(value(g.total), -1.870867, 'saturating G by hand', 1e-6);
  });

  it('minimax with nonSaturatingGenerator, and nonSaturating: G minimises −log D(G(z))', () => {
    const expected = mean(fakeLogits.map((l) => -Math.log(sigma(l))));
    close(value(generatorLoss(config({ kind: 'minimax', nonSaturatingGenerator: true }), fake()).total), expected, 'minimax switched');
    close(value(generatorLoss(config({ kind: 'nonSaturating' }), fake()).total), expected, 'nonSaturating');
    close(expected, (0.693147 + 0.048587) / 2, 'by hand', 1e-5);
  });

  it('one-sided label smoothing replaces the real target only', () => {
    const d = discriminatorLoss(config({ kind: 'nonSaturating', realLabel: 0.9 }), real(), fake());
    close(value(d.parts.dReal), mean(realLogits.map((l) => -(0.9 * Math.log(sigma(l)) + 0.1 * Math.log(1 - sigma(l))))), 'dReal');
    close(value(d.parts.dFake), mean(fakeLogits.map((l) => -Math.log(1 - sigma(l)))), 'dFake unchanged');
  });

  it('stays finite where naive log-probabilities would overflow', () => {
    const extreme = tf.tensor1d([-200, 200]);
    const bce = value(bceWithLogits(extreme, 1));
    close(bce, 100, '−log σ(−200) / 2 ≈ 100');
    const d = discriminatorLoss(config({ kind: 'minimax' }), extreme, extreme);
    assert.ok(Number.isFinite(value(d.total)));
    const g = generatorLoss(config({ kind: 'minimax' }), extreme);
    close(value(g.total), -100, 'log(1 − σ(200)) / 2 ≈ −100');
  });

  it('leastSquares: ½E[(D(x) − 1)²] + ½E[D(G(z))²] for D, ½E[(D(G(z)) − 1)²] for G', () => {
    const cfg = config({ kind: 'leastSquares' });
    const d = discriminatorLoss(cfg, tf.tensor1d([0.8, 0.3]), tf.tensor1d([0.1, 0.6]));
    close(value(d.parts.dReal), 0.1325, 'dReal');
    close(value(d.parts.dFake), 0.0925, 'dFake');
    close(value(generatorLoss(cfg, tf.tensor1d([0.1, 0.6])).total), 0.2425, 'G');
    // With a sigmoid-ended D the model's logits go through σ first.
    const logits = tf.tensor1d([Math.log(0.8 / 0.2), Math.log(0.3 / 0.7)]);
    close(value(discriminatorLoss(config({ kind: 'leastSquares', endsInSigmoid: true }), logits, tf.tensor1d([Math.log(0.1 / 0.9), 0])).parts.dReal), 0.1325, 'dReal from logits');
  });

  it('wasserstein: the critic minimises E[D(G(z))] − E[D(x)]; G minimises −E[D(G(z))]', () => {
    const cfg = config({ kind: 'wasserstein' });
    const d = discriminatorLoss(cfg, tf.tensor1d([1, 3]), tf.tensor1d([-1, 0.5]));
    close(value(d.parts.dReal), -2, 'dReal');
    close(value(d.parts.dFake), -0.25, 'dFake');
    close(value(d.total), -2.25, 'dLoss');
    close(value(generatorLoss(cfg, tf.tensor1d([-1, 0.5])).total), 0.25, 'G');
  });

  it('hinge: E[relu(1 − D(x))] + E[relu(1 + D(G(z)))] for D, −E[D(G(z))] for G', () => {
    const cfg = config({ kind: 'hinge' });
    const d = discriminatorLoss(cfg, tf.tensor1d([0.5, 2]), tf.tensor1d([-2, 0.5]));
    close(value(d.parts.dReal), 0.25, 'dReal');
    close(value(d.parts.dFake), 0.75, 'dFake');
    close(value(generatorLoss(cfg, tf.tensor1d([-2, 0.5])).total), 0.75, 'G');
  });

  it('adds the weighted L1 term to G (pix2pix)', () => {
    const g = generatorLoss(config({ kind: 'nonSaturating', l1: 100 }), tf.tensor1d([0]), { fake: tf.tensor1d([0, 1]), target: tf.tensor1d([1, -1]) });
    close(value(g.parts.gL1), 150, 'gL1');
    close(value(g.total), 150 + Math.log(2), 'gLoss = gAdversarial + gL1');
  });

  it('reports D\'s verdict as a probability where it is one', () => {
    close(value(meanVerdict(config({ kind: 'nonSaturating' }), tf.tensor1d([0, 2]))!), (0.5 + sigma(2)) / 2, 'σ of logits');
    close(value(meanVerdict(config({ kind: 'leastSquares' }), tf.tensor1d([1.4, 0.2]))!), 0.6, 'clipped LS output');
    assert.equal(meanVerdict(config({ kind: 'wasserstein' }), tf.tensor1d([3])), undefined);
  });

  it('gradient penalty: (‖∇D‖ − 1)², and its gradient with respect to D\'s weights (second order)', () => {
    // A linear critic D(x) = x·w has ∇x D = w everywhere: penalty (‖w‖ − 1)² = 16 for w = (3, 4),
    // and d/dw = 2(‖w‖ − 1)·w/‖w‖ = (4.8, 6.4).
    const w = tf.variable(tf.tensor2d([[3], [4]]));
    const real = tf.randomNormal([5, 2], 0, 1, 'float32', 1);
    const fake = tf.randomNormal([5, 2], 0, 1, 'float32', 2);
    const epsilon = tf.randomUniform([5], 0, 1, 'float32', 3);
    const { value: penalty, grads } = tf.variableGrads(() => gradientPenalty((x) => tf.matMul(x, w), real, fake, epsilon, 10), [w]);
    close(value(penalty), 160, 'λ·(5 − 1)²');
    const g = grads[w.name].dataSync();
    close(g[0], 48, 'd/dw1');
    close(g[1], 64, 'd/dw2');
  });

  it('gradient penalty through conv2d and leakyRelu: second-order gradients agree with finite differences', () => {
    const conv = new GanConv2D({ filters: 2, kernelSize: [3, 3], strides: [2, 2], padding: [[1, 1], [1, 1]], dilation: [1, 1], useBias: true, seed: 9 });
    const dense = tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 10 }) });
    const critic = (x: tf.Tensor) => dense.apply(tf.layers.flatten().apply(tf.leakyRelu(conv.apply(x) as tf.Tensor, 0.2))) as tf.Tensor;
    const real = tf.randomNormal([3, 6, 6, 1], 0, 1, 'float32', 4);
    const fake = tf.randomNormal([3, 6, 6, 1], 0, 1, 'float32', 5);
    const epsilon = tf.tensor1d([0.2, 0.5, 0.9]);
    critic(real);
    const kernel = conv.trainableWeights[0];
    const variable = kernel.read() as tf.Variable;
    const penalty = () => gradientPenalty(critic, real, fake, epsilon, 1);
    const analytic = tf.variableGrads(penalty, [variable]).grads[variable.name].dataSync();
    const values = variable.dataSync().slice();
    for (const index of [0, 4, 13]) {
      const at = (delta: number) => {
        const changed = values.slice();
        changed[index] += delta;
        variable.assign(tf.tensor(changed, variable.shape));
        return value(penalty());
      };
      const numeric = (at(1e-2) - at(-1e-2)) / 2e-2;
      variable.assign(tf.tensor(values, variable.shape));
      assert.ok(Math.abs(numeric - analytic[index]) < 2e-2 * Math.max(1, Math.abs(numeric)), `kernel[${index}]: numeric ${numeric}, analytic ${analytic[index]}`);
      assert.notEqual(analytic[index], 0);
    }
  });

  it('gradient penalty: second-order gradients exist through every layer type a critic may use', () => {
    const analysis = analyzeText(JSON.stringify({
      data: { kind: 'idx', images: 'x.gz', labels: 'y.gz', shape: [4, 4, 1] },
      latent: { size: 2 },
      condition: { classes: 3 },
      generator: { layers: [{ type: 'dense', units: 16 }, { type: 'reshape', shape: [4, 4, 1] }] },
      discriminator: {
        layers: [
          { type: 'embedding', inputs: ['label'], inputDim: 3, outputDim: 16 },
          { type: 'reshape', shape: [4, 4, 1], id: 'labelMap' },
          { type: 'concat', inputs: ['image', 'labelMap'] },
          { type: 'conv2d', filters: 3, kernel: 3, padding: 1 },
          { type: 'leakyRelu', alpha: 0.2, id: 'a' },
          { type: 'upsample', interpolation: 'nearest' },
          { type: 'conv2d', filters: 3, kernel: 2, stride: 2, dilation: 1, padding: 'same' },
          { type: 'elu', alpha: 0.5 },
          { type: 'add', with: ['a'] },
          { type: 'upsample', interpolation: 'bilinear' },
          { type: 'instanceNorm' },
          { type: 'selu' },
          { type: 'zeroPad', padding: 1 },
          { type: 'conv2d', filters: 2, kernel: 3, stride: 2, dilation: 2, padding: 1 },
          { type: 'conv2dTranspose', filters: 2, kernel: 3, stride: 2, padding: 1, outputPadding: 1 },
          { type: 'layerNorm' },
          { type: 'tanh' },
          { type: 'batchNorm' },
          { type: 'relu' },
          { type: 'dropout', rate: 0.1 },
          { type: 'flatten' },
          { type: 'dense', units: 4, activation: 'selu' },
          { type: 'sigmoid' },
          { type: 'dense', units: 1 },
        ],
      },
      loss: { kind: 'wasserstein' },
      training: { batchSize: 2, steps: 1, generatorOptimizer: { kind: 'adam', learningRate: 0.001 }, discriminatorOptimizer: { kind: 'adam', learningRate: 0.001 } },
    }));
    assert.deepEqual(analysis.problems.filter((p) => p.severity === 'error').map((p) => p.message), []);
    const d = buildNetwork(analysis.spec!, analysis.discriminator!, { seed: 1 });
    const labels = tf.tensor2d([[0], [2]], [2, 1], 'int32');
    const critic = (x: tf.Tensor) => d.model.apply(d.inputNames.map((n) => (n === 'image' ? x : labels)), { training: true }) as tf.Tensor;
    const real = tf.randomNormal([2, 4, 4, 1], 0, 1, 'float32', 1);
    const fake = tf.randomNormal([2, 4, 4, 1], 0, 1, 'float32', 2);
    const variables = d.model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value: penalty, grads } = tf.variableGrads(() => gradientPenalty(critic, real, fake, tf.tensor1d([0.3, 0.7]), 10), variables);
    assert.ok(Number.isFinite(value(penalty)));
    for (const v of variables) {
      // The last bias shifts D(x) but not ∇x D(x): the penalty does not depend on it.
      if (v === variables[variables.length - 1]) continue;
      assert.ok(grads[v.name], `a gradient for ${v.name}`);
      assert.ok(Array.from(grads[v.name].dataSync()).every(Number.isFinite), `finite gradient for ${v.name}`);
    }
    d.model.dispose();
  });
});
