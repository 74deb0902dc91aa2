/** A folder of PNG/JPEG images, searched recursively; optionally one class per sub-folder. */

import * as path from 'path';
import type { ImageFolderData } from '../../spec/types';
import { decodeImage, layoutOf } from './decode';
import { DecodingReader } from './decodingReader';
import { ExampleSource } from './examples';
import { abbreviate, compareCodeUnits, listImages, resolveDataPath, spreadLimit } from './files';
import { DataError, DataSource } from './types';
import { ResolvedOptions } from './options';

interface ImageEntry {
  /** The image file, absolute. */
  name: string;
  label?: number;
}

export async function openImageFolder(data: ImageFolderData, options: ResolvedOptions): Promise<DataSource> {
  const layout = layoutOf(data.shape, 'data.shape');
  const fit = data.resize ?? 'cover';
  const folder = resolveDataPath(options.specDir, data.folder);
  const { images } = await listImages(folder, 'data.folder', data.folder);

  let entries: ImageEntry[];
  let classNames: string[] | undefined;
  if (data.labelsFromSubfolders) {
    // The class of an image is the top-level sub-folder it lies in (at any depth below it).
    const inSubfolders = images.filter((rel) => rel.includes('/'));
    const atTop = images.length - inSubfolders.length;
    if (inSubfolders.length === 0) {
      throw new DataError(
        `data.labelsFromSubfolders: ${folder} has no sub-folders with images; put each class's images in a sub-folder named after the class`,
        folder,
      );
    }
    if (atTop > 0) options.warn(`Ignored ${atTop} image(s) directly in ${folder}: with labelsFromSubfolders every image must lie in a class sub-folder`);
    classNames = [...new Set(inSubfolders.map((rel) => rel.slice(0, rel.indexOf('/'))))].sort(compareCodeUnits);
    const labelOf = new Map(classNames.map((name, label) => [name, label]));
    entries = inSubfolders.map((rel) => ({ name: path.join(folder, rel), label: labelOf.get(rel.slice(0, rel.indexOf('/'))) }));
  } else {
    entries = images.map((rel) => ({ name: path.join(folder, rel) }));
  }
  const found = entries.length;
  entries = spreadLimit(entries, data.limit);

  const reader = new DecodingReader(
    entries,
    async (entry) => ({ image: await decodeImage(entry.name, layout, fit), label: entry.label }),
    { ...options, noun: 'image' },
  );
  await reader.requireOneReadable(`data.folder ${folder}`, folder);

  const source: DataSource = new ExampleSource(
    {
      kind: 'imageFolder',
      shape: [layout.height, layout.width, layout.channels],
      hasLabels: classNames !== undefined,
      classes: classNames?.length,
      classNames,
      noun: 'images',
      describe: () => {
        const limited = entries.length < found ? ` (limit: ${entries.length} of ${found})` : '';
        const classes = classNames ? `, ${classNames.length} classes from sub-folders (${abbreviate(classNames)})` : '';
        return `${source.size} images${limited} from ${folder}, fitted to ${layout.height}×${layout.width}×${layout.channels} (${fit})${classes}; decoded per batch`;
      },
    },
    reader,
    options.seed,
    options.concurrency,
  );
  return source;
}
