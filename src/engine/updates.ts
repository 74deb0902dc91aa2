/**
 * The gradients of one D update and of one G update, given the update's input tensors.
 *
 * Shared by the one-core training step (training.ts) and by each data-parallel worker
 * (parallel/worker.ts), so that both compute the same losses with the same ops in the
 * same order; only what happens to the gradients differs (applied at once, or averaged
 * over the workers first). The caller owns the inputs, the gradients and the scalars.
 */
import * as tf from '@tensorflow/tfjs';
import type { Gan } from './gan';
import { discriminatorLoss, generatorLoss, gradientPenalty, meanVerdict } from './losses';

/** One update's inputs: a real batch (with its labels or pix2pix sources) and G's latents. */
export interface UpdateInputs {
  real: tf.Tensor;
  label?: tf.Tensor;
  source?: tf.Tensor;
  latent?: tf.Tensor;
}

export interface UpdateResult {
  grads: tf.NamedTensorMap;
  /** The numbers the metrics report (dLoss or gLoss, the loss parts, D's verdicts), kept. */
  scalars: Record<string, tf.Scalar>;
}

/** Whether the D update draws WGAN-GP's mixing weights. */
export function needsMixingWeights(gan: Gan): boolean {
  return gan.loss.kind === 'wasserstein' && gan.loss.gradientPenalty > 0;
}

/**
 * D's gradients on a real batch and a batch G makes from `inputs.latent`. `mixingWeights`
 * supplies WGAN-GP's ε (one per sample); it is called after G's forward pass, which is
 * where the one-core step has always drawn it (its random stream order depends on that).
 */
export function discriminatorGradients(gan: Gan, inputs: UpdateInputs, mixingWeights: (count: number) => tf.Tensor): UpdateResult {
  const conditioning = { label: inputs.label, source: inputs.source };
  const count = inputs.real.shape[0];
  // G's sample, computed outside the gradient tape: D's update must not reach into G.
  const fake = gan.generate(inputs.latent, conditioning, true);
  const epsilon = needsMixingWeights(gan) ? mixingWeights(count) : undefined;
  const scalars: Record<string, tf.Scalar> = {};
  const keep = (name: string, t: tf.Scalar | undefined) => {
    if (t) scalars[name] = tf.keep(t);
  };
  const { value, grads } = tf.variableGrads(() => {
    const realOut = gan.discriminate(inputs.real, conditioning, true);
    const fakeOut = gan.discriminate(fake, conditioning, true);
    const loss = discriminatorLoss(gan.loss, realOut, fakeOut);
    let total = loss.total;
    if (epsilon) {
      const penalty = gradientPenalty((x) => gan.discriminate(x, conditioning, true), inputs.real, fake, epsilon, gan.loss.gradientPenalty);
      keep('gradientPenalty', penalty);
      total = tf.add(total, penalty) as tf.Scalar;
    }
    for (const [name, part] of Object.entries(loss.parts)) keep(name, part);
    keep('dOfReal', meanVerdict(gan.loss, realOut));
    keep('dOfFake', meanVerdict(gan.loss, fakeOut));
    return total;
  }, gan.trainableVariables('discriminator'));
  tf.dispose([fake, epsilon].filter((t): t is tf.Tensor => t !== undefined));
  scalars.dLoss = value;
  return { grads, scalars };
}

/** G's gradients against the current D, with the conditioning (and pix2pix target) of `inputs`. */
export function generatorGradients(gan: Gan, inputs: UpdateInputs): UpdateResult {
  const conditioning = { label: inputs.label, source: inputs.source };
  const scalars: Record<string, tf.Scalar> = {};
  const { value, grads } = tf.variableGrads(() => {
    const fake = gan.generate(inputs.latent, conditioning, true);
    const fakeOut = gan.discriminate(fake, conditioning, true);
    const loss = generatorLoss(gan.loss, fakeOut, gan.paired ? { fake, target: inputs.real } : undefined);
    for (const [name, part] of Object.entries(loss.parts)) scalars[name] = tf.keep(part);
    return loss.total;
  }, gan.trainableVariables('generator'));
  scalars.gLoss = value;
  return { grads, scalars };
}

/** Disposes an update's input tensors. */
export function disposeInputs(inputs: UpdateInputs): void {
  tf.dispose([inputs.real, inputs.label, inputs.source, inputs.latent].filter((t): t is tf.Tensor => t !== undefined));
}

/** Reads many scalars with one download. */
export async function readScalars(scalars: tf.Scalar[]): Promise<Float32Array> {
  if (scalars.length === 0) return new Float32Array(0);
  const joined = tf.tidy(() => tf.stack(scalars));
  try {
    return (await joined.data()) as Float32Array;
  } finally {
    joined.dispose();
  }
}
