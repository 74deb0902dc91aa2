/**
 * The lecture's walk in the latent space: spherical interpolation (slerp) between two
 * latent vectors, each frame drawn by the generator, laid out as one strip.
 *
 * Slerp rather than a straight line because Gaussian latents live near a sphere of radius
 * √d: the midpoint of a straight line is unusually short and the generator has rarely
 * seen such vectors; slerp keeps the norm (White, "Sampling Generative Networks", 2016).
 */
import * as tf from '@tensorflow/tfjs';
import type { FixedBatch } from './fixedBatch';
import type { Gan } from './gan';
import { encodePng, gridCanvas } from './images';

/** The point a fraction t of the way from a to b along the great circle (a straight line when they are parallel). */
export function slerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  const cos = na > 0 && nb > 0 ? Math.min(1, Math.max(-1, dot / Math.sqrt(na * nb))) : 1;
  const omega = Math.acos(cos);
  const out = new Float32Array(a.length);
  if (Math.abs(Math.sin(omega)) < 1e-6) {
    for (let i = 0; i < a.length; i++) out[i] = (1 - t) * a[i] + t * b[i];
    return out;
  }
  const wa = Math.sin((1 - t) * omega) / Math.sin(omega);
  const wb = Math.sin(t * omega) / Math.sin(omega);
  for (let i = 0; i < a.length; i++) out[i] = wa * a[i] + wb * b[i];
  return out;
}

export class WalkError extends Error {}

/** A strip PNG of `frames` generator outputs from fixed latent `from` to fixed latent `to`. */
export async function latentWalkPng(gan: Gan, fixed: FixedBatch, from: number, to: number, frames: number): Promise<Buffer> {
  const size = gan.latentSize;
  if (!size || !fixed.latents) throw new WalkError('This GAN has no latent vector to walk in (pix2pix draws its noise from dropout).');
  if (gan.generator.outputShape.length !== 3) throw new WalkError('The walk draws images; this generator makes points or vectors.');
  const count = fixed.latents.length / size;
  for (const [name, index] of [['from', from], ['to', to]] as const) {
    if (!Number.isInteger(index) || index < 0 || index >= count) throw new WalkError(`"${name}" must be an index into the fixed latent batch, 0 … ${count - 1}; got ${index}.`);
  }
  if (!Number.isInteger(frames) || frames < 2 || frames > 256) throw new WalkError(`frames must be a whole number from 2 to 256; got ${frames}.`);
  const a = fixed.latents.subarray(from * size, (from + 1) * size);
  const b = fixed.latents.subarray(to * size, (to + 1) * size);
  const latents = new Float32Array(frames * size);
  for (let f = 0; f < frames; f++) latents.set(slerp(a, b, f / (frames - 1)), f * size);
  const images = tf.tidy(() => {
    // A conditional generator keeps the class of the walk's start.
    const label = gan.classes && fixed.labels ? tf.fill([frames, 1], fixed.labels[from], 'int32') : undefined;
    return gan.generate(tf.tensor2d(latents, [frames, size]), { label }, false).dataSync() as Float32Array;
  });
  const [height, width, channels] = gan.generator.outputShape;
  return encodePng(gridCanvas({ data: images, count: frames, height, width, channels }, 1, frames));
}
