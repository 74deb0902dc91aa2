/**
 * Data sets for training: `openDataSource(spec.data, …)` checks the data (files exist, headers
 * and shapes agree, at least one image decodes) and returns a `DataSource` that streams
 * shuffled batches of plain typed arrays. No tfjs here: the engine makes the tensors.
 *
 * How the trainer uses it:
 *
 *   const data = await openDataSource(spec.data, { specDir: path.dirname(specFile), seed, warn: log.warn });
 *   log.info(data.describe());
 *   for (let epoch = resume.epoch; ; epoch++) {
 *     const startBatch = epoch === resume.epoch ? resume.batch : 0;
 *     for await (const batch of data.epoch(epoch, batchSize, { startBatch })) {
 *       const real = tf.tensor(batch.images, [batch.count, ...data.shape]);   // toy2d: [count, 2]
 *       const labels = batch.labels && tf.tensor1d(batch.labels, 'int32');
 *       const sources = batch.sources && tf.tensor(batch.sources, [batch.count, ...data.sourceShape!]);
 *       …
 *     }
 *   }
 *   await data.close();
 *
 * A checkpoint needs only (epoch, batch index) to resume the data stream exactly.
 */

import type { DataSpec } from '../../spec/types';
import { openIdx } from './idx';
import { openImageFolder } from './imageFolder';
import { resolveOptions } from './options';
import { openPairedImages } from './paired';
import { openToy2d } from './toy2d';
import { DataError, DataSource, OpenDataOptions } from './types';

export type { Batch, DataSource, EpochOptions, OpenDataOptions } from './types';
export { DataError, DEFAULT_CACHE_BYTES } from './types';
export { toyModes, toyCoverage, toyClasses, nearestToyMode } from './toy2d';
export type { ToyModes, ToyCoverage } from './toy2d';
export { encodeIdx, parseIdxHeader } from './idx';

/**
 * Opens the data a spec describes. Throws a `DataError` (message naming the cause and the path)
 * when the data cannot be used; warnings (corrupt files skipped, unmatched pairs) go to `warn`.
 */
export async function openDataSource(data: DataSpec, options: OpenDataOptions): Promise<DataSource> {
  const resolved = resolveOptions(options);
  switch (data?.kind) {
    case 'toy2d':
      return openToy2d(data, resolved.seed);
    case 'idx':
      return openIdx(data, resolved);
    case 'imageFolder':
      return openImageFolder(data, resolved);
    case 'pairedImages':
      return openPairedImages(data, resolved);
    default:
      throw new DataError(`data.kind must be toy2d, idx, imageFolder or pairedImages; got ${JSON.stringify((data as { kind?: unknown })?.kind)}`);
  }
}
