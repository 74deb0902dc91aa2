/**
 * Small training specs for the real-VS-Code tests and the panel benchmark, derived from
 * the shipped examples by editing their JSON (jsonc-parser keeps the comments and the
 * rest of the file as it is), so they follow the examples instead of copying them.
 * No `vscode` and no browser here: the UI tests, the in-host suite and bench/ use it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { applyEdits, modify, parse, type JSONPath } from 'jsonc-parser';

export type SpecEdit = [path: JSONPath, value: unknown];

/** The text of `example` (a file in `dir`) with each edit applied; fails if a path is not in the example. */
export function specVariant(exampleText: string, edits: SpecEdit[]): string {
  let text = exampleText;
  for (const [at, value] of edits) {
    // Replacing a value must find it (so an example change breaks loudly here, not in a
    // test later); setting one the example leaves out (undefined → remove) need not.
    if (value !== undefined && !hasParent(text, at)) throw new Error(`the example has no ${at.slice(0, -1).join('.')} to set ${String(at[at.length - 1])} in`);
    text = applyEdits(text, modify(text, at, value, { formattingOptions: { insertSpaces: true, tabSize: 2 } }));
  }
  return text;
}

function hasParent(text: string, at: JSONPath): boolean {
  let node: unknown = parse(text);
  for (const key of at.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return false;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node !== null && typeof node === 'object';
}

export interface TrainingSpec {
  /** File name written into the workspace folder. */
  file: string;
  example: string;
  edits: SpecEdit[];
  steps: number;
  sampleEvery: number;
  checkpointEvery: number;
  batchSize: number;
}

/**
 * gan-2d-ring (two 128-unit MLPs on 8 Gaussians) with `steps` steps, a 2-D sample every
 * 50 steps and a checkpoint every 100. ~100–200 steps/s on wasm with 2 cores.
 */
export function ringSpec(file: string, steps: number, options: { sampleEvery?: number; checkpointEvery?: number; name?: string } = {}): TrainingSpec {
  const sampleEvery = options.sampleEvery ?? 50;
  const checkpointEvery = options.checkpointEvery ?? 100;
  return {
    file,
    example: 'gan-2d-ring.gan.json',
    steps,
    sampleEvery,
    checkpointEvery,
    batchSize: 128,
    edits: [
      ...(options.name ? [[['name'], options.name] as SpecEdit] : []),
      [['training', 'steps'], steps],
      [['training', 'sampleEvery'], sampleEvery],
      [['training', 'checkpointEvery'], checkpointEvery],
    ],
  };
}

/**
 * dcgan-mnist's layer stack (dense → reshape 7×7 → two 5×5 transposed convolutions; two
 * strided 5×5 convolutions) with fewer filters, on the bundled MNIST IDX files: `steps`
 * steps of batch 16, a PNG grid of 16 samples every `sampleEvery`. ~2 s for 20 steps.
 */
export function tinyDcganSpec(file: string, steps = 20, options: { sampleEvery?: number; checkpointEvery?: number; batchSize?: number } = {}): TrainingSpec {
  const sampleEvery = options.sampleEvery ?? 10;
  const checkpointEvery = options.checkpointEvery ?? 10;
  const batchSize = options.batchSize ?? 16;
  return {
    file,
    example: 'dcgan-mnist.gan.json',
    steps,
    sampleEvery,
    checkpointEvery,
    batchSize,
    edits: [
      [['name'], 'Tiny DCGAN on MNIST'],
      [['generator', 'layers', 0, 'units'], 7 * 7 * 32],
      [['generator', 'layers', 0, 'comment'], '7·7·32'],
      [['generator', 'layers', 3, 'shape', 2], 32],
      [['generator', 'layers', 4, 'filters'], 32],
      [['generator', 'layers', 7, 'filters'], 16],
      [['discriminator', 'layers', 0, 'filters'], 16],
      [['discriminator', 'layers', 3, 'filters'], 32],
      [['training', 'epochs'], undefined],
      [['training', 'steps'], steps],
      [['training', 'batchSize'], batchSize],
      [['training', 'sampleEvery'], sampleEvery],
      [['training', 'checkpointEvery'], checkpointEvery],
    ],
  };
}

/** Writes `spec` into `folder` (a workspace copy of examples/, where the example is) and returns its path. */
export function writeTrainingSpec(folder: string, spec: TrainingSpec): string {
  const text = specVariant(readFileSync(path.join(folder, spec.example), 'utf8'), spec.edits);
  const file = path.join(folder, spec.file);
  writeFileSync(file, text);
  return file;
}
