/**
 * Sample pictures of a GAN at a step, from its fixed batch: a PNG grid (or class rows, or
 * pix2pix triplets), or for 2-D data a Points2dSample JSON (real points, generated points
 * and D's probability over the plane). Generated in inference mode: batch norm uses its
 * moving statistics, dropout is off.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Points2dSample, SampleRecord } from '../protocol';
import { RUN_FILES, stepName } from '../run/layout';
import type { FixedBatch } from './fixedBatch';
import type { Gan } from './gan';
import { encodePng, gridCanvas, ImageBatch, tripletCanvas } from './images';
import { verdict } from './losses';

const HEATMAP_RESOLUTION = 48;
/** Generate in chunks so a big fixed batch never needs one huge activation tensor. */
const CHUNK = 64;

/** G's outputs for (part of) a fixed batch, as a flat float array. */
export function generateFromFixed(gan: Gan, fixed: FixedBatch, count = fixed.count): Float32Array {
  const latentSize = gan.latentSize;
  const sampleSize = gan.generator.outputShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(count * sampleSize);
  for (let start = 0; start < count; start += CHUNK) {
    const n = Math.min(CHUNK, count - start);
    const values = tf.tidy(() => {
      const latent = latentSize && fixed.latents ? tf.tensor2d(fixed.latents.subarray(start * latentSize, (start + n) * latentSize), [n, latentSize]) : undefined;
      const label = gan.classes && fixed.labels ? tf.tensor2d(fixed.labels.subarray(start, start + n), [n, 1], 'int32') : undefined;
      const sourceSize = gan.sourceShape?.reduce((a, b) => a * b, 1) ?? 0;
      const source = gan.paired && fixed.sources ? tf.tensor(fixed.sources.subarray(start * sourceSize, (start + n) * sourceSize), [n, ...gan.sourceShape!]) : undefined;
      return gan.generate(latent, { label, source }, false).dataSync() as Float32Array;
    });
    out.set(values, start * sampleSize);
  }
  return out;
}

function imageBatch(data: Float32Array, shape: number[], count: number): ImageBatch {
  const [height, width, channels] = shape.length === 3 ? shape : [1, shape[0], 1];
  return { data, count, height, width, channels };
}

/** The 2-D view: real and generated points and D's probability of "real" over a grid of the plane. */
export function points2dSample(gan: Gan, fixed: FixedBatch, step: number): Points2dSample {
  const fake = generateFromFixed(gan, fixed);
  const bounds = fixed.bounds ?? { xMin: -3, xMax: 3, yMin: -3, yMax: 3 };
  const r = HEATMAP_RESOLUTION;
  const grid = new Float32Array(r * r * 2);
  for (let row = 0; row < r; row++) {
    for (let col = 0; col < r; col++) {
      // Cell centres, row-major from the top-left (y decreases downwards).
      grid[2 * (row * r + col)] = bounds.xMin + ((col + 0.5) / r) * (bounds.xMax - bounds.xMin);
      grid[2 * (row * r + col) + 1] = bounds.yMax - ((row + 0.5) / r) * (bounds.yMax - bounds.yMin);
    }
  }
  const values = tf.tidy(() => {
    const points = tf.tensor2d(grid, [r * r, 2]);
    const classes = gan.discriminator.inputNames.includes('label') ? gan.classes ?? 1 : 1;
    // A conditional D is asked about every class and averaged.
    let sum: tf.Tensor = tf.zeros([r * r]);
    for (let k = 0; k < classes; k++) {
      const label = gan.discriminator.inputNames.includes('label') ? tf.fill([r * r, 1], k, 'int32') : undefined;
      const output = gan.discriminate(points, { label }, false);
      sum = tf.add(sum, verdict(gan.loss, output).reshape([r * r]));
    }
    return Array.from(tf.div(sum, classes).dataSync());
  });
  const pairs = (data: Float32Array | undefined): [number, number][] => {
    const out: [number, number][] = [];
    for (let i = 0; data && i + 1 < data.length; i += 2) out.push([data[i], data[i + 1]]);
    return out;
  };
  return { step, real: pairs(fixed.realPoints), fake: pairs(fake), heatmap: { resolution: r, values, bounds } };
}

/** The sample picture's image (PNG bytes) for image GANs. */
export async function samplePng(gan: Gan, fixed: FixedBatch): Promise<Buffer> {
  const outputs = imageBatch(generateFromFixed(gan, fixed), gan.generator.outputShape, fixed.count);
  switch (fixed.layout.kind) {
    case 'triplets': {
      const inputs = imageBatch(fixed.sources!, gan.sourceShape!, fixed.count);
      const targets = imageBatch(fixed.targets!, gan.dataShape, fixed.count);
      return encodePng(tripletCanvas(inputs, outputs, targets));
    }
    case 'grid':
    case 'classRows':
      return encodePng(gridCanvas(outputs, fixed.layout.rows, fixed.layout.columns));
    case 'points2d':
      throw new Error('2-D samples are JSON, not PNG.');
  }
}

/** Writes `samples/step-XXXXXX.png` (or `.json` for 2-D data) and returns its record. */
export async function writeSample(gan: Gan, fixed: FixedBatch, step: number, runDir: string): Promise<SampleRecord> {
  mkdirSync(join(runDir, RUN_FILES.samples), { recursive: true });
  if (fixed.layout.kind === 'points2d') {
    const file = `${RUN_FILES.samples}/${stepName(step)}.json`; // forward slashes on every platform
    writeFileSync(join(runDir, file), JSON.stringify(points2dSample(gan, fixed, step)));
    return { step, file, layout: fixed.layout };
  }
  const file = `${RUN_FILES.samples}/${stepName(step)}.png`;
  writeFileSync(join(runDir, file), await samplePng(gan, fixed));
  return { step, file, layout: fixed.layout };
}
