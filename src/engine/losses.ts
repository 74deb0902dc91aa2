/**
 * The GAN objectives of the format, as functions of the discriminator's outputs.
 *
 * D's model always ends *before* a sigmoid the spec may write (see model/build.ts), so
 * for the log-likelihood losses its output is a logit ℓ and D(x) = σ(ℓ). They are computed
 * with softplus, which never takes the log of 0:
 *   −log σ(ℓ) = softplus(−ℓ),   −log(1 − σ(ℓ)) = softplus(ℓ).
 * The other losses use D's *score* s: σ(ℓ) when the spec ends D in a sigmoid, else its raw
 * output.
 *
 * Every loss is what its network *minimises*, averaged over the batch (and over the patch
 * map of a PatchGAN), and comes with named parts that add up to it:
 *   dLoss = dReal + dFake (+ gradientPenalty),  gLoss = gAdversarial (+ gL1).
 */
import * as tf from '@tensorflow/tfjs';
import type { LossKind, LossSpec } from '../spec/types';

export interface LossConfig {
  kind: LossKind;
  /** minimax: G maximises log D(G(z)) instead of minimising log(1 − D(G(z))). */
  nonSaturatingGenerator: boolean;
  /** wasserstein: weight λ of the gradient penalty. */
  gradientPenalty: number;
  /** Weight λ of the L1 term ‖y − G(x)‖₁ (pix2pix); 0 for none. */
  l1: number;
  /** One-sided label smoothing: D's target for real samples. */
  realLabel: number;
  /** The spec ends D in a sigmoid, which the model leaves to the losses. */
  endsInSigmoid: boolean;
}

export function lossConfig(loss: LossSpec, endsInSigmoid: boolean): LossConfig {
  return {
    kind: loss.kind,
    nonSaturatingGenerator: loss.nonSaturatingGenerator ?? false,
    gradientPenalty: loss.kind === 'wasserstein' ? loss.gradientPenalty ?? 10 : 0,
    l1: loss.l1 ?? 0,
    realLabel: loss.realLabel ?? 1,
    endsInSigmoid,
  };
}

export interface LossValue {
  total: tf.Scalar;
  parts: Record<string, tf.Scalar>;
}

/** Whether D's output is read as the logit of a probability (the log-likelihood losses). */
export function isLogLikelihood(kind: LossKind): boolean {
  return kind === 'minimax' || kind === 'nonSaturating';
}

/** D's score for the losses that compare values rather than log-probabilities. */
function score(config: LossConfig, output: tf.Tensor): tf.Tensor {
  return config.endsInSigmoid ? tf.sigmoid(output) : output;
}

/** Mean binary cross-entropy of logits against a constant target t: t·softplus(−ℓ) + (1 − t)·softplus(ℓ). */
export function bceWithLogits(logits: tf.Tensor, target: number): tf.Scalar {
  return tf.tidy(() => {
    const positive = tf.mul(tf.softplus(tf.neg(logits)), target);
    if (target === 1) return tf.mean(positive);
    return tf.mean(tf.add(positive, tf.mul(tf.softplus(logits), 1 - target)));
  }) as tf.Scalar;
}

/** What D minimises, given its outputs on a real batch and on a generated batch. */
export function discriminatorLoss(config: LossConfig, realOutput: tf.Tensor, fakeOutput: tf.Tensor): LossValue {
  const parts: Record<string, tf.Scalar> = {};
  switch (config.kind) {
    case 'minimax':
    case 'nonSaturating':
      // D maximises log D(x) + log(1 − D(G(z))): it minimises the cross-entropy with targets 1 (or realLabel) and 0.
      parts.dReal = bceWithLogits(realOutput, config.realLabel);
      parts.dFake = bceWithLogits(fakeOutput, 0);
      break;
    case 'leastSquares':
      // LSGAN (Mao et al.), a = 0, b = c = 1: ½E[(D(x) − b)²] + ½E[D(G(z))²].
      parts.dReal = tf.tidy(() => tf.mul(tf.mean(tf.square(tf.sub(score(config, realOutput), config.realLabel))), 0.5)) as tf.Scalar;
      parts.dFake = tf.tidy(() => tf.mul(tf.mean(tf.square(score(config, fakeOutput))), 0.5)) as tf.Scalar;
      break;
    case 'wasserstein':
      // The critic maximises E[D(x)] − E[D(G(z))].
      parts.dReal = tf.tidy(() => tf.neg(tf.mean(score(config, realOutput)))) as tf.Scalar;
      parts.dFake = tf.mean(score(config, fakeOutput)) as tf.Scalar;
      break;
    case 'hinge':
      parts.dReal = tf.tidy(() => tf.mean(tf.relu(tf.sub(1, score(config, realOutput))))) as tf.Scalar;
      parts.dFake = tf.tidy(() => tf.mean(tf.relu(tf.add(1, score(config, fakeOutput))))) as tf.Scalar;
      break;
  }
  return { total: tf.add(parts.dReal, parts.dFake) as tf.Scalar, parts };
}

/** What G minimises, given D's output on its samples; `l1` adds λ·mean|target − fake| (pix2pix). */
export function generatorLoss(config: LossConfig, fakeOutput: tf.Tensor, l1?: { fake: tf.Tensor; target: tf.Tensor }): LossValue {
  const parts: Record<string, tf.Scalar> = {};
  switch (config.kind) {
    case 'minimax':
      parts.gAdversarial = config.nonSaturatingGenerator
        ? bceWithLogits(fakeOutput, 1) // −log D(G(z))
        : (tf.tidy(() => tf.neg(tf.mean(tf.softplus(fakeOutput)))) as tf.Scalar); // log(1 − D(G(z)))
      break;
    case 'nonSaturating':
      parts.gAdversarial = bceWithLogits(fakeOutput, 1);
      break;
    case 'leastSquares':
      parts.gAdversarial = tf.tidy(() => tf.mul(tf.mean(tf.square(tf.sub(score(config, fakeOutput), 1))), 0.5)) as tf.Scalar;
      break;
    case 'wasserstein':
    case 'hinge':
      parts.gAdversarial = tf.tidy(() => tf.neg(tf.mean(score(config, fakeOutput)))) as tf.Scalar;
      break;
  }
  let total = parts.gAdversarial;
  if (l1 && config.l1 > 0) {
    parts.gL1 = tf.tidy(() => tf.mul(tf.mean(tf.abs(tf.sub(l1.target, l1.fake))), config.l1)) as tf.Scalar;
    total = tf.add(total, parts.gL1) as tf.Scalar;
  }
  return { total, parts };
}

/**
 * WGAN-GP's penalty λ·E[(‖∇x̂ D(x̂)‖₂ − 1)²] on x̂ = ε·real + (1 − ε)·fake, one ε per sample.
 * `critic` maps a batch of samples to D's outputs (other inputs held fixed). Differentiating
 * this with respect to D's weights needs gradients of gradients, which tfjs computes when
 * the penalty is evaluated inside `tf.variableGrads`.
 */
export function gradientPenalty(critic: (x: tf.Tensor) => tf.Tensor, real: tf.Tensor, fake: tf.Tensor, epsilon: tf.Tensor, weight: number): tf.Scalar {
  return tf.tidy(() => {
    const e = epsilon.reshape([real.shape[0], ...real.shape.slice(1).map(() => 1)]);
    const mixed = tf.add(tf.mul(e, real), tf.mul(tf.sub(1, e), fake));
    const gradient = tf.grad((x: tf.Tensor) => tf.sum(critic(x)))(mixed);
    const axes = gradient.shape.slice(1).map((_, i) => i + 1);
    // A tiny ε keeps the square root differentiable where the gradient vanishes.
    const norm = tf.sqrt(tf.add(tf.sum(tf.square(gradient), axes), 1e-12));
    return tf.mul(tf.mean(tf.square(tf.sub(norm, 1))), weight) as tf.Scalar;
  });
}

/**
 * D's verdict per sample as a probability of "real", for pictures and metrics: σ(ℓ) where
 * D's output is a logit; a least-squares D without a sigmoid targets 1 and 0 directly, so
 * its output clipped to [0, 1] serves; a Wasserstein or hinge critic's score has no such
 * meaning, and σ(score) is only a picture of it.
 */
export function verdict(config: LossConfig, output: tf.Tensor): tf.Tensor {
  if (config.kind === 'leastSquares' && !config.endsInSigmoid) return tf.clipByValue(output, 0, 1);
  return tf.sigmoid(output);
}

/** D's mean verdict on a batch as a probability, for the metrics; undefined for a Wasserstein or hinge critic. */
export function meanVerdict(config: LossConfig, output: tf.Tensor): tf.Scalar | undefined {
  if (!isLogLikelihood(config.kind) && !config.endsInSigmoid && config.kind !== 'leastSquares') return undefined;
  return tf.tidy(() => tf.mean(verdict(config, output))) as tf.Scalar;
}
