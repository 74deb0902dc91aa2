/**
 * Paired images for image-to-image translation (pix2pix): each example is an input image
 * (`sources`) and the target the generator should make from it (`images`).
 *
 * Both sides are stretched to their shapes, never cropped, so pixel (i, j) of the input stays
 * aligned with pixel (i, j) of the target.
 */

import { promises as fs } from 'fs';
import * as path from 'path';
import type { PairedImagesData } from '../../spec/types';
import { decodeImage, imageSize, layoutOf, PixelLayout, Region } from './decode';
import { DecodingReader } from './decodingReader';
import { Example, ExampleSource } from './examples';
import { abbreviate, listImages, resolveDataPath, spreadLimit } from './files';
import { ResolvedOptions } from './options';
import { DataError, DataSource } from './types';

interface PairEntry {
  name: string;
  /** sideBySide: the A|B file; twoFolders: the A file. */
  fileA: string;
  /** twoFolders only: the B file. */
  fileB?: string;
}

export async function openPairedImages(data: PairedImagesData, options: ResolvedOptions): Promise<DataSource> {
  const targetLayout = layoutOf(data.shape, 'data.shape');
  const sourceLayout = data.sourceShape === undefined ? targetLayout : layoutOf(data.sourceShape, 'data.sourceShape');
  const direction = data.direction ?? 'AtoB';
  // A is the input when translating A→B; B is the input when translating B→A.
  const layoutA = direction === 'AtoB' ? sourceLayout : targetLayout;
  const layoutB = direction === 'AtoB' ? targetLayout : sourceLayout;
  const toExample = (a: Uint8Array, b: Uint8Array): Example =>
    direction === 'AtoB' ? { source: a, image: b } : { source: b, image: a };

  let entries: PairEntry[];
  let decode: (entry: PairEntry) => Promise<Example>;
  let where: string;
  let folderForErrors: string;
  if (data.layout === 'sideBySide') {
    const folder = resolveDataPath(options.specDir, requireKey(data.folder, 'folder', 'sideBySide'));
    const { images } = await listImages(folder, 'data.folder', data.folder ?? '');
    entries = images.map((rel) => ({ name: path.join(folder, rel), fileA: path.join(folder, rel) }));
    decode = async (entry) => {
      const bytes = await fs.readFile(entry.fileA);
      const { width, height } = await imageSize(bytes);
      if (width < 2) throw new Error(`${width} pixel(s) wide, too narrow to hold A|B side by side`);
      const half = Math.floor(width / 2);
      const left: Region = { left: 0, top: 0, width: half, height };
      const right: Region = { left: width - half, top: 0, width: half, height };
      const [a, b] = await Promise.all([decodePart(bytes, layoutA, left), decodePart(bytes, layoutB, right)]);
      return toExample(a, b);
    };
    where = `side-by-side A|B files in ${folder}`;
    folderForErrors = folder;
  } else if (data.layout === 'twoFolders') {
    const folderA = resolveDataPath(options.specDir, requireKey(data.folderA, 'folderA', 'twoFolders'));
    const folderB = resolveDataPath(options.specDir, requireKey(data.folderB, 'folderB', 'twoFolders'));
    const [listingA, listingB] = await Promise.all([
      listImages(folderA, 'data.folderA', data.folderA ?? ''),
      listImages(folderB, 'data.folderB', data.folderB ?? ''),
    ]);
    entries = matchByName(listingA.images, listingB.images, folderA, folderB, options.warn);
    decode = async (entry) => {
      const [a, b] = await Promise.all([
        namingFile(entry.fileA, decodePart(entry.fileA, layoutA)),
        namingFile(entry.fileB ?? '', decodePart(entry.fileB ?? '', layoutB)),
      ]);
      return toExample(a, b);
    };
    where = `pairs matched by name in ${folderA} (A) and ${folderB} (B)`;
    folderForErrors = folderA;
  } else {
    throw new DataError(`data.layout must be "sideBySide" or "twoFolders", got ${JSON.stringify((data as { layout?: unknown }).layout)}`);
  }
  const found = entries.length;
  entries = spreadLimit(entries, data.limit);

  const reader = new DecodingReader(entries, decode, { ...options, noun: 'image pair' });
  await reader.requireOneReadable(where, folderForErrors);

  const shapeText = (l: PixelLayout): string => `${l.height}×${l.width}×${l.channels}`;
  const source: DataSource = new ExampleSource(
    {
      kind: 'pairedImages',
      shape: [targetLayout.height, targetLayout.width, targetLayout.channels],
      sourceShape: [sourceLayout.height, sourceLayout.width, sourceLayout.channels],
      hasLabels: false,
      noun: 'image pairs',
      describe: () => {
        const limited = entries.length < found ? ` (limit: ${entries.length} of ${found})` : '';
        const [from, to] = direction === 'AtoB' ? ['A', 'B'] : ['B', 'A'];
        return `${source.size} image pairs${limited}: ${where}; input ${from} ${shapeText(sourceLayout)} → target ${to} ${shapeText(targetLayout)} (stretched); decoded per batch`;
      },
    },
    reader,
    options.seed,
    options.concurrency,
  );
  return source;
}

function decodePart(input: string | Buffer, layout: PixelLayout, region?: Region): Promise<Uint8Array> {
  return decodeImage(input, layout, 'stretch', region);
}

/** Prefixes a decode error with the file, since a pair has two. */
async function namingFile<T>(file: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}

function requireKey(value: string | undefined, key: string, layout: string): string {
  if (value === undefined || value === '') throw new DataError(`data.${key} is required when data.layout is "${layout}"`);
  return value;
}

/**
 * Pairs A and B files whose paths (relative to their folders) agree without the extension, so
 * `A/x.jpg` pairs with `B/x.png`. Files without a partner are reported in one warning.
 */
export function matchByName(
  imagesA: string[],
  imagesB: string[],
  folderA: string,
  folderB: string,
  warn: (message: string) => void,
): PairEntry[] {
  const stem = (rel: string): string => rel.slice(0, rel.length - path.extname(rel).length);
  const byStemB = new Map<string, string>();
  for (const rel of imagesB) if (!byStemB.has(stem(rel))) byStemB.set(stem(rel), rel);
  const stemsA = new Set(imagesA.map(stem));

  const entries: PairEntry[] = [];
  const unmatchedA: string[] = [];
  const pairedStems = new Set<string>();
  for (const rel of imagesA) {
    const s = stem(rel);
    const partner = byStemB.get(s);
    if (partner === undefined || pairedStems.has(s)) {
      unmatchedA.push(rel);
      continue;
    }
    pairedStems.add(s);
    const fileA = path.join(folderA, rel);
    const fileB = path.join(folderB, partner);
    entries.push({ name: `${fileA} + ${fileB}`, fileA, fileB });
  }
  const unmatchedB = imagesB.filter((rel) => !(stemsA.has(stem(rel)) && byStemB.get(stem(rel)) === rel));

  if (entries.length === 0) {
    throw new DataError(
      `data.folderA and data.folderB have no image names in common (${imagesA.length} in ${folderA}, ${imagesB.length} in ${folderB}); pairs are matched by file name without extension`,
      folderA,
    );
  }
  if (unmatchedA.length + unmatchedB.length > 0) {
    const parts: string[] = [];
    if (unmatchedA.length) parts.push(`${unmatchedA.length} in ${folderA} (${abbreviate(unmatchedA, 3)})`);
    if (unmatchedB.length) parts.push(`${unmatchedB.length} in ${folderB} (${abbreviate(unmatchedB, 3)})`);
    warn(`Ignored ${unmatchedA.length + unmatchedB.length} image(s) without a partner of the same name: ${parts.join('; ')}`);
  }
  return entries;
}
