/**
 * Real data for the browser tests: diagram models made by the spec core from the shipped
 * examples (exactly what the host sends), and a recorded run folder written the way the
 * trainer writes one: metrics for thousands of steps, sample PNGs (made with sharp), 2-D
 * sample JSON files and a latent-walk strip.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { DiagramModel, MetricPoint, Points2dSample, RunInfo, SampleLayout, SampleRecord } from '../../src/protocol';
import { analyzeText } from '../../src/spec/analyze';
import { toDiagramModel } from '../../src/spec/diagram';
import { REPO_ROOT } from './server';

export function exampleText(name: string): string {
  return readFileSync(join(REPO_ROOT, 'examples', name), 'utf8');
}

/** The model the host would send for a text, as if it were `examples/<name>`. */
export function diagramOf(name: string, text = exampleText(name)): DiagramModel {
  return toDiagramModel(analyzeText(text), `file:///workspace/examples/${name}`, name);
}

/** A generator of 199 layers (plus its latent input): the "readable at 200 layers" case. */
export function deepSpecText(): string {
  const spec = JSON.parse(
    exampleText('gan-2d-ring.gan.json')
      .split('\n')
      .filter((line) => !line.trim().startsWith('//'))
      .join('\n'),
  );
  const layers: unknown[] = [];
  for (let i = 0; i < 99; i++) layers.push({ type: 'dense', units: 32 + (i % 4) * 16 }, { type: 'relu' });
  layers.push({ type: 'dense', units: 2 });
  spec.generator.layers = layers;
  return JSON.stringify(spec, null, 2);
}

// ---------------------------------------------------------------------------------------
// The recorded run

/** Small deterministic PRNG (mulberry32), so the fixture is the same on every machine. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
}

/** Losses that behave like a DCGAN's: D settles near 0.7, G falls then wanders; noisy. */
export function makeMetrics(fromStep: number, count: number, seed = 1): MetricPoint[] {
  const rand = random(seed + fromStep);
  const points: MetricPoint[] = [];
  for (let step = fromStep; step < fromStep + count; step++) {
    const dLoss = 0.7 + 0.6 * Math.exp(-step / 800) + 0.15 * gaussian(rand);
    const gAdversarial = 1.2 + 0.8 * Math.exp(-step / 600) + 0.35 * Math.abs(gaussian(rand));
    const gL1 = 0.3 * Math.exp(-step / 1500) + 0.02 * rand();
    const squash = (v: number) => Math.min(0.999, Math.max(0.001, v));
    points.push({
      step,
      epoch: Math.floor(step / 469),
      time: step * 40,
      dLoss: Math.max(0.05, dLoss),
      gLoss: gAdversarial + gL1,
      parts: { gAdversarial, gL1, dReal: Math.max(0.02, dLoss / 2 + 0.05 * gaussian(rand)), dFake: Math.max(0.02, dLoss / 2 + 0.05 * gaussian(rand)) },
      dOfReal: squash(0.55 + 0.25 * Math.exp(-step / 1000) + 0.08 * gaussian(rand)),
      dOfFake: squash(0.45 - 0.25 * Math.exp(-step / 1000) + 0.08 * gaussian(rand)),
      stepsPerSecond: 25,
      imagesPerSecond: 1600 + 50 * rand(),
    });
  }
  return points;
}

type Pixel = (x: number, y: number) => [number, number, number];

async function writePng(file: string, width: number, height: number, pixel: Pixel): Promise<void> {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      const i = 3 * (y * width + x);
      data[i] = r;
      data[i + 1] = g;
      data[i + 2] = b;
    }
  }
  await sharp(data, { raw: { width, height, channels: 3 } }).png().toFile(file);
}

/** Blobs that sharpen as training goes on: each cell its own shape, so steps look different. */
function blobCell(cellX: number, cellY: number, size: number, index: number, progress: number): [number, number, number] {
  const cx = size / 2 + Math.sin(index * 1.7) * size * 0.12;
  const cy = size / 2 + Math.cos(index * 2.3) * size * 0.12;
  const radius = size * (0.18 + 0.1 * ((index * 7) % 5) / 5);
  const d = Math.hypot(cellX - cx, cellY - cy);
  const ring = Math.abs(d - radius);
  const sharpness = 0.6 + 4 * progress;
  const v = Math.max(0, 1 - ring / (size * 0.25)) ** sharpness;
  const noise = (1 - progress) * 0.5 * (((cellX * 31 + cellY * 17 + index * 13) % 11) / 11);
  const g = Math.round(255 * Math.min(1, v + noise));
  return [g, g, g];
}

async function gridPng(file: string, rows: number, columns: number, size: number, progress: number): Promise<void> {
  await writePng(file, columns * size, rows * size, (x, y) => {
    const col = Math.floor(x / size);
    const row = Math.floor(y / size);
    return blobCell(x % size, y % size, size, row * columns + col, progress);
  });
}

async function tripletPng(file: string, rows: number, size: number, progress: number): Promise<void> {
  await writePng(file, 3 * size, rows * size, (x, y) => {
    const panel = Math.floor(x / size);
    const px = x % size;
    const py = y % size;
    const row = Math.floor(y / size);
    const facade = (px % 16 < 10 && py % 20 < 12) ? [180, 120, 60] : [90, 140, 200];
    if (panel === 0) return (px % 16 === 0 || py % 20 === 0 ? [255, 255, 255] : [20, 20, 20 + row * 40]) as [number, number, number];
    if (panel === 2) return facade as [number, number, number];
    const blur = 1 - progress;
    return facade.map((c) => Math.round(c * (1 - blur) + 128 * blur)) as [number, number, number];
  });
}

function points2d(step: number, progress: number, seed: number): Points2dSample {
  const rand = random(seed);
  const modes = Array.from({ length: 8 }, (_, k) => [2 * Math.cos((k * Math.PI) / 4), 2 * Math.sin((k * Math.PI) / 4)]);
  const real: [number, number][] = [];
  const fake: [number, number][] = [];
  for (let i = 0; i < 256; i++) {
    const [mx, my] = modes[i % 8];
    real.push([mx + 0.05 * gaussian(rand), my + 0.05 * gaussian(rand)]);
    // G starts as a blob at the centre and spreads towards the modes (missing some).
    const [tx, ty] = modes[(i % 6) + (i % 6 >= 3 ? 1 : 0)];
    fake.push([tx * progress + 0.3 * (1 - progress) * gaussian(rand), ty * progress + 0.3 * (1 - progress) * gaussian(rand)]);
  }
  const resolution = 48;
  const bounds = { xMin: -3, xMax: 3, yMin: -3, yMax: 3 };
  const values: number[] = [];
  for (let row = 0; row < resolution; row++) {
    for (let col = 0; col < resolution; col++) {
      const x = bounds.xMin + ((col + 0.5) / resolution) * (bounds.xMax - bounds.xMin);
      const y = bounds.yMax - ((row + 0.5) / resolution) * (bounds.yMax - bounds.yMin);
      const density = (pts: number[][], width: number) => pts.reduce((sum, [px, py]) => sum + Math.exp(-((x - px) ** 2 + (y - py) ** 2) / (2 * width * width)), 0);
      const r = density(modes, 0.35);
      const f = density(fake.slice(0, 64), 0.35) / 8;
      values.push(Math.min(1, Math.max(0, 0.5 + 0.45 * Math.tanh(2 * (r - f)))));
    }
  }
  return { step, real, fake, heatmap: { resolution, values, bounds } };
}

export interface FixtureRun {
  info: RunInfo;
  metrics: MetricPoint[];
  /** Sample records with their file in the run folder (the host adds `uri`). */
  samples: SampleRecord[];
}

export interface FixtureRuns {
  dir: string;
  dcgan: FixtureRun;
  dcganOld: FixtureRun;
  cgan: FixtureRun;
  ring: FixtureRun;
  pix2pix: FixtureRun;
  /** A latent-walk strip of `walkFrames` frames, left to right. */
  walkFile: string;
  walkFrames: number;
  /** A 2-D sample not yet announced, for a live update. */
  ringNext: SampleRecord;
}

function runInfo(dir: string, id: string, name: string, specFile: string, status: RunInfo['status'], step: number, totalSteps: number, startedAt: string): RunInfo {
  return { id, dir: join(dir, id), specFile: `/workspace/examples/${specFile}`, name, startedAt, status, step, totalSteps, backend: 'tensorflow (GPU)', seed: 1, checkpointStep: Math.floor(step / 500) * 500 };
}

export async function writeFixtureRuns(dir: string): Promise<FixtureRuns> {
  const sampleSteps = [0, 500, 1000, 1500, 2000, 2500, 3000];
  const folder = (id: string) => {
    mkdirSync(join(dir, id, 'samples'), { recursive: true });
    return id;
  };
  const pad = (step: number) => String(step).padStart(6, '0');

  const grid: SampleLayout = { kind: 'grid', rows: 4, columns: 4 };
  const dcganId = folder('run-dcgan-2');
  const dcganSamples: SampleRecord[] = [];
  for (const step of sampleSteps) {
    const file = `${dcganId}/samples/step-${pad(step)}.png`;
    await gridPng(join(dir, file), 4, 4, 28, step / 3000);
    dcganSamples.push({ step, file, layout: grid });
  }
  const dcganOldId = folder('run-dcgan-1');
  const oldSamples: SampleRecord[] = [];
  for (const step of [0, 1000, 2000]) {
    const file = `${dcganOldId}/samples/step-${pad(step)}.png`;
    await gridPng(join(dir, file), 4, 4, 28, step / 6000);
    oldSamples.push({ step, file, layout: grid });
  }

  const classNames = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
  const classRows: SampleLayout = { kind: 'classRows', rows: 10, columns: 6, classNames };
  const cganId = folder('run-cgan-1');
  const cganSamples: SampleRecord[] = [];
  for (const step of [0, 1000, 2000]) {
    const file = `${cganId}/samples/step-${pad(step)}.png`;
    await gridPng(join(dir, file), 10, 6, 20, step / 2000);
    cganSamples.push({ step, file, layout: classRows });
  }

  const pixId = folder('run-pix2pix-1');
  const pixSamples: SampleRecord[] = [];
  for (const step of [400, 800]) {
    const file = `${pixId}/samples/step-${pad(step)}.png`;
    await tripletPng(join(dir, file), 2, 64, step / 800);
    pixSamples.push({ step, file, layout: { kind: 'triplets', rows: 2 } });
  }

  const ringId = folder('run-ring-1');
  const ringSamples: SampleRecord[] = [];
  for (const step of [0, 500, 1000, 1500]) {
    const file = `${ringId}/samples/step-${pad(step)}.json`;
    writeFileSync(join(dir, file), JSON.stringify(points2d(step, step / 2000, step + 7)));
    ringSamples.push({ step, file, layout: { kind: 'points2d' } });
  }
  const ringNextFile = `${ringId}/samples/step-${pad(2000)}.json`;
  writeFileSync(join(dir, ringNextFile), JSON.stringify(points2d(2000, 0.95, 2007)));

  const walkFrames = 8;
  const walkFile = `${dcganId}/walks/walk-0-5.png`;
  mkdirSync(join(dir, dcganId, 'walks'), { recursive: true });
  await writePng(join(dir, walkFile), walkFrames * 28, 28, (x, y) => blobCell(x % 28, y, 28, Math.floor(x / 28), 0.8));

  return {
    dir,
    dcgan: { info: runInfo(dir, dcganId, 'dcgan-mnist · lr 2e-4', 'dcgan-mnist.gan.json', 'running', 3000, 10000, '2025-11-26T10:00:00.000Z'), metrics: makeMetrics(1, 3000, 1), samples: dcganSamples },
    dcganOld: { info: runInfo(dir, dcganOldId, 'dcgan-mnist · lr 1e-3', 'dcgan-mnist.gan.json', 'stopped', 2000, 10000, '2025-11-25T09:00:00.000Z'), metrics: makeMetrics(1, 2000, 2), samples: oldSamples },
    cgan: { info: runInfo(dir, cganId, 'cgan-mnist', 'cgan-mnist.gan.json', 'completed', 2000, 2000, '2025-11-24T09:00:00.000Z'), metrics: makeMetrics(1, 2000, 3), samples: cganSamples },
    ring: { info: runInfo(dir, ringId, 'gan-2d-ring', 'gan-2d-ring.gan.json', 'running', 1500, 2000, '2025-11-26T11:00:00.000Z'), metrics: makeMetrics(1, 1500, 4), samples: ringSamples },
    pix2pix: { info: runInfo(dir, pixId, 'pix2pix facades', 'pix2pix-unet256.gan.json', 'stopped', 800, 80000, '2025-11-23T09:00:00.000Z'), metrics: makeMetrics(1, 800, 5), samples: pixSamples },
    walkFile,
    walkFrames,
    ringNext: { step: 2000, file: ringNextFile, layout: { kind: 'points2d' } },
  };
}
