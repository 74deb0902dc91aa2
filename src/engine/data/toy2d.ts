/**
 * Points in the plane from known distributions, the classic pictures of GAN training
 * (mode collapse on the ring, the grid):
 * - ring: 8 Gaussians on a circle of radius 2, mode k at angle k·45°; label k.
 * - grid: 25 Gaussians at (x, y) ∈ {−4, −2, 0, 2, 4}²; label 5·row + column, row = y index.
 * - spiral: a two-turn Archimedean spiral from the origin out to radius 4, uniform along its
 *   length; no labels.
 * - moons: two interleaving half circles of radius 2 (scikit-learn's make_moons, scaled by 2 and
 *   centred); label = moon.
 * `noise` is the standard deviation of the Gaussian added to each coordinate.
 *
 * Every epoch draws fresh points (the distribution is infinite); batch b of epoch e comes from its
 * own generator seeded by (seed, e, b), so any batch can be regenerated without the others.
 */

import type { Toy2dData, Toy2dDistribution } from '../../spec/types';
import { Random } from '../random';
import { checkBatchSize } from './examples';
import { Batch, DataError, DataSource, EpochOptions } from './types';

export const TOY_DEFAULT_NOISE = 0.05;
export const TOY_DEFAULT_SIZE = 10000;
const DISTRIBUTIONS: Toy2dDistribution[] = ['ring', 'grid', 'spiral', 'moons'];

export interface ToyModes {
  /**
   * ring, grid: the Gaussians' centres, in label order. spiral, moons: anchor points spaced
   * evenly along the curves (16 of them), so coverage can be counted the same way.
   */
  centres: Array<[number, number]>;
  /** The class label of each centre (moons: the moon); absent for the spiral. */
  labels?: number[];
  /** Whether the distribution is a mixture of Gaussians or lies along curves. */
  support: 'points' | 'curves';
}

const ANCHORS_PER_MOON = 8;
const SPIRAL_ANCHORS = 16;

/** Where the modes of a toy distribution lie, for measuring mode coverage. */
export function toyModes(distribution: Toy2dDistribution): ToyModes {
  switch (distribution) {
    case 'ring': {
      const centres = Array.from({ length: 8 }, (_, k) => ringCentre(k));
      return { centres, labels: centres.map((_, k) => k), support: 'points' };
    }
    case 'grid': {
      const centres = Array.from({ length: 25 }, (_, k) => gridCentre(k));
      return { centres, labels: centres.map((_, k) => k), support: 'points' };
    }
    case 'spiral': {
      // Equal steps of u are equal steps of length along the spiral (see spiralPoint).
      const centres = Array.from({ length: SPIRAL_ANCHORS }, (_, j) => spiralPoint((j + 0.5) / SPIRAL_ANCHORS));
      return { centres, support: 'curves' };
    }
    case 'moons': {
      const centres: Array<[number, number]> = [];
      const labels: number[] = [];
      for (let moon = 0; moon < 2; moon++) {
        for (let j = 0; j < ANCHORS_PER_MOON; j++) {
          centres.push(moonPoint(moon, (j + 0.5) / ANCHORS_PER_MOON));
          labels.push(moon);
        }
      }
      return { centres, labels, support: 'curves' };
    }
  }
}

/** Number of classes a toy distribution labels its points with (undefined: no labels). */
export function toyClasses(distribution: Toy2dDistribution): number | undefined {
  return { ring: 8, grid: 25, moons: 2, spiral: undefined }[distribution];
}

/**
 * Draws one point into `out[offset]`, `out[offset + 1]`; returns its label (−1 for the spiral).
 */
export function drawToyPoint(distribution: Toy2dDistribution, noise: number, random: Random, out: Float32Array, offset: number): number {
  let centre: [number, number];
  let label: number;
  switch (distribution) {
    case 'ring':
      label = random.int(8);
      centre = ringCentre(label);
      break;
    case 'grid':
      label = random.int(25);
      centre = gridCentre(label);
      break;
    case 'spiral':
      label = -1;
      centre = spiralPoint(random.uniform());
      break;
    case 'moons':
      label = random.int(2);
      centre = moonPoint(label, random.uniform());
      break;
  }
  out[offset] = centre[0] + random.normal(0, noise);
  out[offset + 1] = centre[1] + random.normal(0, noise);
  return label;
}

export interface ToyCoverage {
  modeCount: number;
  /** Modes with at least `minPerMode` points within 3·noise of them. */
  modesCovered: number;
  /** Points within 3·noise of each mode (curves: of the curve near that anchor). */
  pointsPerMode: number[];
  /** The fraction of points within 3·noise of the distribution's support ("high-quality" samples). */
  nearFraction: number;
}

/**
 * How well `points` (x0, y0, x1, y1, …), e.g. a generator's output, cover a toy distribution:
 * the usual mode-collapse measure for the ring and grid. A point counts for the nearest mode
 * when it lies within 3·noise of the support.
 */
export function toyCoverage(distribution: Toy2dDistribution, points: ArrayLike<number>, noise = TOY_DEFAULT_NOISE, minPerMode = 1): ToyCoverage {
  const modes = toyModes(distribution);
  const pointsPerMode = new Array<number>(modes.centres.length).fill(0);
  const n = Math.floor(points.length / 2);
  let near = 0;
  for (let i = 0; i < n; i++) {
    const { mode, distance } = nearestToyMode(distribution, points[2 * i], points[2 * i + 1], modes);
    if (distance <= 3 * noise) {
      near++;
      pointsPerMode[mode]++;
    }
  }
  return {
    modeCount: modes.centres.length,
    modesCovered: pointsPerMode.filter((c) => c >= minPerMode).length,
    pointsPerMode,
    nearFraction: n === 0 ? 0 : near / n,
  };
}

/** The mode nearest to (x, y) and the distance from (x, y) to the support (a centre, or the curve). */
export function nearestToyMode(distribution: Toy2dDistribution, x: number, y: number, modes = toyModes(distribution)): { mode: number; distance: number } {
  let mode = 0;
  let best = Infinity;
  modes.centres.forEach(([cx, cy], k) => {
    const d = Math.hypot(x - cx, y - cy);
    if (d < best) {
      best = d;
      mode = k;
    }
  });
  if (modes.support === 'points') return { mode, distance: best };
  return { mode, distance: distanceToPolyline(curvePolyline(distribution), x, y) };
}

function ringCentre(k: number): [number, number] {
  const angle = (k * Math.PI) / 4;
  return [2 * Math.cos(angle), 2 * Math.sin(angle)];
}

function gridCentre(k: number): [number, number] {
  return [-4 + 2 * (k % 5), -4 + 2 * Math.floor(k / 5)];
}

/** The spiral at fraction u ∈ [0, 1] of its length: s = √u makes equal steps of u equal steps of length. */
function spiralPoint(u: number): [number, number] {
  const s = Math.sqrt(u);
  const angle = 4 * Math.PI * s;
  const radius = 4 * s;
  return [radius * Math.cos(angle), radius * Math.sin(angle)];
}

/** A point of moon 0 (upper) or 1 (lower), at fraction t ∈ [0, 1] along it. */
function moonPoint(moon: number, t: number): [number, number] {
  const angle = Math.PI * t;
  const [x, y] = moon === 0 ? [Math.cos(angle), Math.sin(angle)] : [1 - Math.cos(angle), 0.5 - Math.sin(angle)];
  return [2 * (x - 0.5), 2 * (y - 0.25)];
}

const polylines = new Map<Toy2dDistribution, Float64Array[]>();

/** The curves of the spiral or the moons as fine polylines (x0, y0, x1, y1, …; segments ≤ 0.02 long). */
function curvePolyline(distribution: Toy2dDistribution): Float64Array[] {
  let lines = polylines.get(distribution);
  if (!lines) {
    const steps = 2048;
    const trace = (f: (t: number) => [number, number]): Float64Array => {
      const line = new Float64Array(2 * (steps + 1));
      for (let i = 0; i <= steps; i++) line.set(f(i / steps), 2 * i);
      return line;
    };
    lines = distribution === 'spiral' ? [trace(spiralPoint)] : [trace((t) => moonPoint(0, t)), trace((t) => moonPoint(1, t))];
    polylines.set(distribution, lines);
  }
  return lines;
}

function distanceToPolyline(lines: Float64Array[], x: number, y: number): number {
  let best = Infinity;
  for (const line of lines) {
    for (let i = 2; i < line.length; i += 2) {
      const ax = line[i - 2];
      const ay = line[i - 1];
      const dx = line[i] - ax;
      const dy = line[i + 1] - ay;
      const lengthSquared = dx * dx + dy * dy;
      const t = lengthSquared === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / lengthSquared));
      const ex = x - (ax + t * dx);
      const ey = y - (ay + t * dy);
      best = Math.min(best, ex * ex + ey * ey);
    }
  }
  return Math.sqrt(best);
}

/** The toy data set: `size` fresh points per epoch. */
export function openToy2d(data: Toy2dData, seed: number): DataSource {
  const distribution = data.distribution;
  if (!DISTRIBUTIONS.includes(distribution)) {
    throw new DataError(`data.distribution must be one of ${DISTRIBUTIONS.join(', ')}; got ${JSON.stringify(distribution)}`);
  }
  if (data.shape !== undefined && (data.shape.length !== 1 || data.shape[0] !== 2)) {
    throw new DataError(`data.shape of toy2d data is always [2] (a point); got ${JSON.stringify(data.shape)}`);
  }
  const noise = data.noise ?? TOY_DEFAULT_NOISE;
  const size = data.size ?? TOY_DEFAULT_SIZE;
  if (!(noise > 0)) throw new DataError(`data.noise must be a positive number; got ${noise}`);
  if (!Number.isInteger(size) || size < 1) throw new DataError(`data.size must be a positive integer; got ${size}`);
  const classes = toyClasses(distribution);

  const draw = (count: number, random: Random): Batch => {
    const batch: Batch = { count, images: new Float32Array(2 * count) };
    if (classes !== undefined) batch.labels = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const label = drawToyPoint(distribution, noise, random, batch.images, 2 * i);
      if (batch.labels) batch.labels[i] = label;
    }
    return batch;
  };

  return {
    kind: 'toy2d',
    shape: [2],
    size,
    classes,
    skipped: 0,
    describe: () => {
      const what = {
        ring: '8 Gaussians on a circle of radius 2',
        grid: '25 Gaussians on a 5×5 grid with spacing 2',
        spiral: 'a two-turn spiral of radius 4',
        moons: 'two interleaving half circles of radius 2',
      }[distribution];
      const labels = classes === undefined ? '' : `, labels 0–${classes - 1}`;
      return `toy2d ${distribution}: ${what}, noise σ ${noise}; ${size} fresh points per epoch${labels}`;
    },
    batchesPerEpoch: (batchSize) => Math.floor(size / batchSize),
    epoch(epochIndex: number, batchSize: number, options: EpochOptions = {}): AsyncIterable<Batch> {
      checkBatchSize(batchSize, size, 'points');
      const batches = Math.floor(size / batchSize);
      const first = options.startBatch ?? 0;
      return (async function* () {
        for (let b = first; b < batches; b++) yield draw(batchSize, new Random(seed, 'toy2d', epochIndex, b));
      })();
    },
    sample: async (count, random) => draw(count, random),
    close: async () => undefined,
  };
}
