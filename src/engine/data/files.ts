/**
 * Finding data on disk: resolving the spec's paths and listing image files, with errors that
 * say which key, which path, and what is wrong.
 */

import { promises as fs } from 'fs';
import * as path from 'path';
import { DataError } from './types';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

/** Resolves a path from the spec against the folder of the .gan.json (absolute paths stay). */
export function resolveDataPath(specDir: string, given: string): string {
  return path.resolve(specDir, given);
}

/** Code-unit order: the same on every platform and locale, so labels and batch order are too. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Throws a `DataError` unless `file` is an existing file. `key` names the spec key, e.g. `data.images`. */
export async function requireFile(file: string, key: string, given: string): Promise<void> {
  const stats = await statOrThrow(file, key, given, 'file');
  if (!stats.isFile()) throw new DataError(`${key} "${given}" is not a file: ${file}`, file);
}

/** Throws a `DataError` unless `folder` is an existing folder. */
export async function requireFolder(folder: string, key: string, given: string): Promise<void> {
  const stats = await statOrThrow(folder, key, given, 'folder');
  if (!stats.isDirectory()) throw new DataError(`${key} "${given}" is not a folder: ${folder}`, folder);
}

async function statOrThrow(target: string, key: string, given: string, what: 'file' | 'folder') {
  try {
    return await fs.stat(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      const relative = path.isAbsolute(given) ? '' : ' (relative paths start at the folder of the .gan.json file)';
      throw new DataError(`${key}: ${what} not found: ${target}${relative}`, target);
    }
    throw new DataError(`${key}: cannot read ${what} ${target}: ${(error as Error).message}`, target);
  }
}

export interface ImageListing {
  /** Image files as '/'-separated paths relative to the folder, sorted by code units. */
  images: string[];
  /** How many other files were seen (for the "no images" message). */
  otherFiles: string[];
}

/**
 * Lists the PNG and JPEG files under `folder`, recursively. Hidden files and folders (".git",
 * ".DS_Store") are ignored; symbolic links are followed, each real folder visited once.
 * Throws a `DataError` when the folder is missing, empty, or holds no images.
 */
export async function listImages(folder: string, key: string, given: string): Promise<ImageListing> {
  await requireFolder(folder, key, given);
  const images: string[] = [];
  const otherFiles: string[] = [];
  const visited = new Set<string>();

  const walk = async (dir: string, relative: string): Promise<void> => {
    const real = await fs.realpath(dir);
    if (visited.has(real)) return;
    visited.add(real);
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (error) {
      throw new DataError(`${key}: cannot read folder ${dir}: ${(error as Error).message}`, dir);
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await fs.stat(full).catch(() => undefined); // a dangling link is just skipped
        isDir = target?.isDirectory() ?? false;
        isFile = target?.isFile() ?? false;
      }
      if (isDir) await walk(full, rel);
      else if (isFile) (IMAGE_EXTENSIONS.has(path.extname(entry.name).toLowerCase()) ? images : otherFiles).push(rel);
    }
  };
  await walk(folder, '');

  if (images.length === 0) {
    if (otherFiles.length === 0) throw new DataError(`${key}: the folder is empty: ${folder}`, folder);
    const examples = otherFiles.slice(0, 3).join(', ');
    throw new DataError(
      `${key}: no PNG or JPEG images found in ${folder} (searched its sub-folders too; ${otherFiles.length} other file(s), e.g. ${examples})`,
      folder,
    );
  }
  images.sort(compareCodeUnits);
  return { images, otherFiles };
}

/**
 * The subset that `limit` keeps: N items spread evenly over the sorted list, so that a limited
 * folder sorted by class still holds every class (the first N would hold only the first classes).
 */
export function spreadLimit<T>(items: T[], limit: number | undefined): T[] {
  if (limit === undefined || limit >= items.length) return items;
  const kept: T[] = [];
  for (let i = 0; i < limit; i++) kept.push(items[Math.floor((i * items.length) / limit)]);
  return kept;
}

/** The first few names, for a one-line message. */
export function abbreviate(names: string[], shown = 5): string {
  return names.length <= shown ? names.join(', ') : `${names.slice(0, shown).join(', ')}, …`;
}
