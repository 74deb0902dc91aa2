/**
 * The two GANs the benchmark times, written with tfjs-layers the way GAN
 * Studio's engine builds models, and one training step (one D step + one G
 * step, Adam, non-saturating BCE loss) — the same step bench/pytorch_step.py
 * times in PyTorch.
 */
import * as tf from '@tensorflow/tfjs';

export type Arch = 'small-dcgan' | 'tf-dcgan';
export const ARCHS: Arch[] = ['small-dcgan', 'tf-dcgan'];
export const LATENT = 100;

export interface Gan {
  arch: Arch;
  g: tf.Sequential;
  d: tf.Sequential;
}

/**
 * small-dcgan: the model of /work/shared/notes/tfjs-training-speed.md.
 * tf-dcgan: TensorFlow's DCGAN tutorial (tensorflow.org/tutorials/generative/dcgan).
 */
export function buildGan(arch: Arch): Gan {
  const L = tf.layers;
  if (arch === 'small-dcgan') {
    const g = tf.sequential({
      layers: [
        L.dense({ units: 7 * 7 * 128, inputShape: [LATENT] }),
        L.batchNormalization(),
        L.leakyReLU({ alpha: 0.2 }),
        L.reshape({ targetShape: [7, 7, 128] }),
        L.conv2dTranspose({ filters: 64, kernelSize: 4, strides: 2, padding: 'same' }),
        L.batchNormalization(),
        L.leakyReLU({ alpha: 0.2 }),
        L.conv2dTranspose({ filters: 1, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh' }),
      ],
    });
    const d = tf.sequential({
      layers: [
        L.conv2d({ filters: 64, kernelSize: 4, strides: 2, padding: 'same', inputShape: [28, 28, 1] }),
        L.leakyReLU({ alpha: 0.2 }),
        L.conv2d({ filters: 128, kernelSize: 4, strides: 2, padding: 'same' }),
        L.leakyReLU({ alpha: 0.2 }),
        L.flatten(),
        L.dense({ units: 1 }),
      ],
    });
    return { arch, g, d };
  }
  const g = tf.sequential({
    layers: [
      L.dense({ units: 7 * 7 * 256, useBias: false, inputShape: [LATENT] }),
      L.batchNormalization(),
      L.leakyReLU(),
      L.reshape({ targetShape: [7, 7, 256] }),
      L.conv2dTranspose({ filters: 128, kernelSize: 5, strides: 1, padding: 'same', useBias: false }),
      L.batchNormalization(),
      L.leakyReLU(),
      L.conv2dTranspose({ filters: 64, kernelSize: 5, strides: 2, padding: 'same', useBias: false }),
      L.batchNormalization(),
      L.leakyReLU(),
      L.conv2dTranspose({ filters: 1, kernelSize: 5, strides: 2, padding: 'same', useBias: false, activation: 'tanh' }),
    ],
  });
  const d = tf.sequential({
    layers: [
      L.conv2d({ filters: 64, kernelSize: 5, strides: 2, padding: 'same', inputShape: [28, 28, 1] }),
      L.leakyReLU(),
      L.dropout({ rate: 0.3 }),
      L.conv2d({ filters: 128, kernelSize: 5, strides: 2, padding: 'same' }),
      L.leakyReLU(),
      L.dropout({ rate: 0.3 }),
      L.flatten(),
      L.dense({ units: 1 }),
    ],
  });
  return { arch, g, d };
}

function variables(m: tf.Sequential): tf.Variable[] {
  return m.trainableWeights.map((w) => w.read() as tf.Variable);
}

export interface Trainer {
  /** One D step then one G step on `real` ([B, 28, 28, 1] in [-1, 1]). */
  step(real: tf.Tensor4D): void;
  /** D step only: gradients of D's loss for D's variables (data-parallel use). */
  dGrads(real: tf.Tensor4D): { loss: tf.Scalar; grads: tf.NamedTensorMap };
  /** G step only: gradients of G's loss for G's variables. */
  gGrads(batch: number): { loss: tf.Scalar; grads: tf.NamedTensorMap };
  optD: tf.Optimizer;
  optG: tf.Optimizer;
  dVars: tf.Variable[];
  gVars: tf.Variable[];
}

export function makeTrainer(gan: Gan): Trainer {
  const optD = tf.train.adam(2e-4, 0.5, 0.999);
  const optG = tf.train.adam(2e-4, 0.5, 0.999);
  const dVars = variables(gan.d);
  const gVars = variables(gan.g);
  const bce = (label: number, logits: tf.Tensor): tf.Scalar =>
    tf.losses.sigmoidCrossEntropy(tf.fill(logits.shape, label), logits) as tf.Scalar;

  const dLoss = (real: tf.Tensor4D, fake: tf.Tensor): tf.Scalar => {
    const lr = gan.d.apply(real, { training: true }) as tf.Tensor;
    const lf = gan.d.apply(fake, { training: true }) as tf.Tensor;
    return tf.add(bce(1, lr), bce(0, lf));
  };
  const gLoss = (batch: number): tf.Scalar => {
    const z = tf.randomNormal([batch, LATENT]);
    const fake = gan.g.apply(z, { training: true }) as tf.Tensor;
    return bce(1, gan.d.apply(fake, { training: true }) as tf.Tensor);
  };
  // G's output for the D step is a constant: no tape through G.
  const fakeBatch = (batch: number): tf.Tensor =>
    tf.tidy(() => gan.g.apply(tf.randomNormal([batch, LATENT]), { training: true }) as tf.Tensor);

  return {
    optD,
    optG,
    dVars,
    gVars,
    step(real) {
      const batch = real.shape[0];
      const fake = fakeBatch(batch);
      optD.minimize(() => dLoss(real, fake), false, dVars);
      fake.dispose();
      optG.minimize(() => gLoss(batch), false, gVars);
    },
    dGrads(real) {
      const fake = fakeBatch(real.shape[0]);
      const { value, grads } = tf.variableGrads(() => dLoss(real, fake), dVars);
      fake.dispose();
      return { loss: value, grads };
    },
    gGrads(batch) {
      const { value, grads } = tf.variableGrads(() => gLoss(batch), gVars);
      return { loss: value, grads };
    },
  };
}

/** A batch of "real" images: values in [-1, 1] (speed does not depend on content). */
export function fakeReal(batch: number): tf.Tensor4D {
  return tf.tidy(() => tf.sub(tf.mul(tf.randomUniform([batch, 28, 28, 1]), 2), 1)) as tf.Tensor4D;
}

/** Useful floating-point work in one training step (multiply-adds × 2), for GFLOP/s. */
export function stepFlops(arch: Arch, batch: number): number {
  // Per image, forward, by layer (multiply-adds): conv-like = out pixels × k² × Cin × Cout.
  const conv = (outHW: number, k: number, cin: number, cout: number): number => outHW * outHW * k * k * cin * cout;
  const convT = (inHW: number, k: number, cin: number, cout: number): number => inHW * inHW * k * k * cin * cout;
  let g: number;
  let d: number;
  if (arch === 'small-dcgan') {
    g = LATENT * 6272 + convT(7, 4, 128, 64) + convT(14, 4, 64, 1);
    d = conv(14, 4, 1, 64) + conv(7, 4, 64, 128) + 6272;
  } else {
    g = LATENT * 12544 + convT(7, 5, 256, 128) + convT(7, 5, 128, 64) + convT(14, 5, 64, 1);
    d = conv(14, 5, 1, 64) + conv(7, 5, 64, 128) + 6272;
  }
  // D step: G fwd, D fwd ×2, D bwd ×2 (input + weight grads = 2× fwd each).
  // G step: G fwd, D fwd, D bwd (2×), G bwd (2×).
  const macs = g + 2 * d + 2 * 2 * d + (g + d + 2 * d + 2 * g);
  return 2 * macs * batch;
}
