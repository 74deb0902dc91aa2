/**
 * What the training loop gets from a data set: batches of plain typed arrays (the engine turns
 * them into tensors), streamed so that a data set never has to fit in memory.
 */

import type { Random } from '../random';

/** One batch. Every array holds `count` examples, one after another. */
export interface Batch {
  count: number;
  /**
   * The real samples, `count·H·W·C` values in NHWC order scaled to [−1, 1]; toy2d: `count·2`
   * raw coordinates. For paired data these are the targets (what the generator must make).
   */
  images: Float32Array;
  /** Class labels 0 … classes−1, when the data set has them. */
  labels?: Int32Array;
  /** Paired data only: the generator's input images, `count·sourceShape`, in [−1, 1]. */
  sources?: Float32Array;
}

export interface EpochOptions {
  /**
   * Start at this batch of the epoch instead of the first, to resume a run mid-epoch. The order
   * of an epoch depends only on the seed and the epoch index, so batch k is the same batch
   * whether it is reached by iterating or by starting there (exactly so while no corrupt file
   * has been skipped before it).
   */
  startBatch?: number;
}

export interface DataSource {
  readonly kind: 'toy2d' | 'idx' | 'imageFolder' | 'pairedImages';
  /** Shape of one sample without the batch axis: `[H, W, C]`, or `[2]` for toy data. */
  readonly shape: number[];
  /** Paired data only: shape of one generator input. */
  readonly sourceShape?: number[];
  /** Examples per epoch (for folders: the files found, less those found corrupt so far). */
  readonly size: number;
  /** Number of classes, when the data set has labels. */
  readonly classes?: number;
  /** Class names in label order, when the data set has them (folders with labelsFromSubfolders). */
  readonly classNames?: string[];
  /** How many corrupt or unreadable files have been skipped so far. */
  readonly skipped: number;
  /** One line for the run log: what the data is, where from, how big. */
  describe(): string;
  /** Full batches one epoch yields: `floor(size / batchSize)`; the last partial batch is dropped. */
  batchesPerEpoch(batchSize: number): number;
  /**
   * The batches of one epoch, in an order shuffled by (seed, epochIndex): reproducible, different
   * every epoch, independent of any other random draw the trainer makes. Every batch holds exactly
   * `batchSize` examples; the last partial batch is dropped (stable shapes for the networks and
   * batch norm). Throws a `DataError` at once when the data set is smaller than one batch.
   */
  epoch(epochIndex: number, batchSize: number, options?: EpochOptions): AsyncIterable<Batch>;
  /** `count` random examples drawn with `random` (e.g. real points for the 2-D view, real images to show). */
  sample(count: number, random: Random): Promise<Batch>;
  /** Releases files, caches and temporary files. */
  close(): Promise<void>;
}

export interface OpenDataOptions {
  /** The folder of the .gan.json file; relative paths in the data spec resolve against it. */
  specDir: string;
  /** `training.seed`: decides the batch order of every epoch and the toy points. */
  seed: number;
  /** Receives warnings (corrupt files, unmatched pairs); the trainer writes them to the run log. */
  warn: (message: string) => void;
  /** Memory for decoded examples kept between epochs, in bytes (default 256 MiB). */
  cacheBytes?: number;
  /** How many images are decoded at the same time (default 4). */
  decodeConcurrency?: number;
}

/** A data problem found before or while training: the message names the cause and the path. */
export class DataError extends Error {
  constructor(
    message: string,
    /** The file or folder concerned, absolute, when there is one. */
    readonly path?: string,
  ) {
    super(message);
    this.name = 'DataError';
  }
}

export const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024;
export const DEFAULT_DECODE_CONCURRENCY = 4;
