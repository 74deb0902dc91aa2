/**
 * The fixed batch every sample of a run is drawn from, so that samples at different
 * steps show the same latent vectors (and labels, and pix2pix inputs) and can be
 * compared. Made once from the run's seed, saved in every checkpoint.
 *
 * Layouts:
 * - grid: `sampleCount` latents in a near-square grid;
 * - classRows (conditional GAN): one row per class, each column one latent shared by the
 *   whole column, so a column shows one "style" drawn as every class;
 * - triplets (paired data): `sampleCount` fixed (input, target) pairs from the data;
 * - points2d (toy data): `sampleCount` latents and a fixed set of real points.
 */
import type { SampleLayout } from '../protocol';
import type { DataSource } from './data';
import { Random } from './random';
import type { Gan } from './gan';
import { NamedArray, PackedEntry, packArrays, unpackArrays } from './packedArrays';

export interface PlaneBounds {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

export interface FixedBatch {
  layout: SampleLayout;
  /** How many samples G makes for one sample picture. */
  count: number;
  latents?: Float32Array;
  labels?: Int32Array;
  sources?: Float32Array;
  targets?: Float32Array;
  /** Toy data: real points (x0, y0, x1, y1, …) drawn beside the generated ones. */
  realPoints?: Float32Array;
  bounds?: PlaneBounds;
}

const REAL_POINTS = 512;

/** Latent vectors as the spec says: N(0, 1) or U(−1, 1). */
export function drawLatents(random: Random, count: number, size: number, distribution: 'normal' | 'uniform' | undefined): Float32Array {
  const out = new Float32Array(count * size);
  return distribution === 'uniform' ? random.fillUniform(out, -1, 1) : random.fillNormal(out);
}

export async function makeFixedBatch(gan: Gan, data: DataSource, seed: number, sampleCount: number, classNames?: string[]): Promise<FixedBatch> {
  const random = new Random(seed, 'fixed-sample-batch');
  const latentSize = gan.latentSize;
  const distribution = gan.spec.latent?.distribution;
  const classes = gan.classes;

  if (data.kind === 'toy2d') {
    const real = await data.sample(REAL_POINTS, random);
    const count = sampleCount;
    const labels = classes ? Int32Array.from({ length: count }, (_, i) => i % classes) : undefined;
    let extent = 1;
    for (const v of real.images) extent = Math.max(extent, Math.abs(v));
    const r = Math.ceil(extent * 1.25 * 2) / 2;
    return {
      layout: { kind: 'points2d' },
      count,
      latents: latentSize ? drawLatents(random, count, latentSize, distribution) : undefined,
      labels,
      realPoints: real.images,
      bounds: { xMin: -r, xMax: r, yMin: -r, yMax: r },
    };
  }

  if (gan.paired) {
    const count = Math.max(1, Math.min(sampleCount, data.size));
    const pairs = await data.sample(count, random);
    return {
      layout: { kind: 'triplets', rows: count },
      count,
      latents: latentSize ? drawLatents(random, count, latentSize, distribution) : undefined,
      sources: pairs.sources,
      targets: pairs.images,
      labels: classes && pairs.labels ? pairs.labels : undefined,
    };
  }

  if (classes) {
    const columns = Math.max(1, Math.floor(sampleCount / classes));
    const columnLatents = latentSize ? drawLatents(random, columns, latentSize, distribution) : undefined;
    const count = classes * columns;
    const latents = columnLatents ? new Float32Array(count * latentSize!) : undefined;
    const labels = new Int32Array(count);
    for (let row = 0; row < classes; row++) {
      for (let col = 0; col < columns; col++) {
        const i = row * columns + col;
        labels[i] = row;
        latents?.set(columnLatents!.subarray(col * latentSize!, (col + 1) * latentSize!), i * latentSize!);
      }
    }
    const names = Array.from({ length: classes }, (_, k) => classNames?.[k] ?? gan.spec.condition?.names?.[k] ?? String(k));
    return { layout: { kind: 'classRows', rows: classes, columns, classNames: names }, count, latents, labels };
  }

  const count = sampleCount;
  const columns = Math.ceil(Math.sqrt(count));
  return {
    layout: { kind: 'grid', rows: Math.ceil(count / columns), columns },
    count,
    latents: latentSize ? drawLatents(random, count, latentSize, distribution) : undefined,
  };
}

// ---------------------------------------------------------------------------------------
// Saving in checkpoints

export interface FixedBatchFile {
  layout: SampleLayout;
  count: number;
  bounds?: PlaneBounds;
  arrays: PackedEntry[];
}

const ARRAY_KEYS = ['latents', 'labels', 'sources', 'targets', 'realPoints'] as const;

export function packFixedBatch(fixed: FixedBatch): { json: FixedBatchFile; bytes: Uint8Array } {
  const arrays: NamedArray[] = [];
  for (const key of ARRAY_KEYS) {
    const data = fixed[key];
    if (data) arrays.push({ name: key, shape: [data.length], data });
  }
  const { index, bytes } = packArrays(arrays);
  return { json: { layout: fixed.layout, count: fixed.count, bounds: fixed.bounds, arrays: index }, bytes };
}

export function unpackFixedBatch(json: FixedBatchFile, bytes: Uint8Array): FixedBatch {
  const arrays = unpackArrays(json.arrays, bytes);
  const fixed: FixedBatch = { layout: json.layout, count: json.count, bounds: json.bounds };
  for (const key of ARRAY_KEYS) {
    const array = arrays.get(key);
    if (!array) continue;
    if (key === 'labels') fixed.labels = array.data as Int32Array;
    else fixed[key] = array.data as Float32Array;
  }
  return fixed;
}

// ---------------------------------------------------------------------------------------
// Other batches for one-off pictures (`gan-studio sample`)

/**
 * A batch like `fixed` but with `count` samples: the run's own fixed latents when no seed
 * is given and it has enough, else fresh latents from `seed`. pix2pix pictures always use
 * the run's fixed pairs (at most as many as it holds); 2-D pictures keep the real points.
 */
export function batchForSampling(gan: Gan, fixed: FixedBatch, count: number, seed?: number): FixedBatch {
  const size = gan.latentSize;
  const own = seed === undefined && count <= fixed.count;
  const random = new Random(seed ?? 0, 'sample-command');
  const latents = (n: number, offset = 0) =>
    !size || !fixed.latents ? undefined : own ? fixed.latents.slice(offset * size, (offset + n) * size) : drawLatents(random, n, size, gan.spec.latent?.distribution);
  switch (fixed.layout.kind) {
    case 'triplets': {
      const n = Math.min(count, fixed.count);
      const sourceSize = gan.sourceShape!.reduce((a, b) => a * b, 1);
      const targetSize = gan.dataShape.reduce((a, b) => a * b, 1);
      return { ...fixed, layout: { kind: 'triplets', rows: n }, count: n, latents: latents(n), sources: fixed.sources?.slice(0, n * sourceSize), targets: fixed.targets?.slice(0, n * targetSize), labels: fixed.labels?.slice(0, n) };
    }
    case 'points2d':
      return { ...fixed, count, latents: latents(count), labels: fixed.labels ? Int32Array.from({ length: count }, (_, i) => i % (gan.classes ?? 1)) : undefined };
    case 'classRows': {
      const classes = fixed.layout.rows;
      const columns = Math.max(1, Math.floor(count / classes));
      const ownColumns = seed === undefined && columns <= fixed.layout.columns;
      const n = classes * columns;
      const labels = new Int32Array(n);
      const out = size ? new Float32Array(n * size) : undefined;
      const columnLatents = size ? (ownColumns ? undefined : drawLatents(random, columns, size, gan.spec.latent?.distribution)) : undefined;
      for (let row = 0; row < classes; row++) {
        for (let col = 0; col < columns; col++) {
          const i = row * columns + col;
          labels[i] = row;
          if (out && size) {
            // The run's fixed batch holds column c's latent at every row; take row 0's.
            const source = ownColumns ? fixed.latents!.subarray(col * size, (col + 1) * size) : columnLatents!.subarray(col * size, (col + 1) * size);
            out.set(source, i * size);
          }
        }
      }
      return { ...fixed, layout: { ...fixed.layout, columns }, count: n, latents: out, labels };
    }
    case 'grid': {
      const columns = Math.ceil(Math.sqrt(count));
      return { ...fixed, layout: { kind: 'grid', rows: Math.ceil(count / columns), columns }, count, latents: latents(count) };
    }
  }
}
