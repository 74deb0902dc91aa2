/**
 * The part every stored data set shares (IDX files, image folders, paired images): a numbered
 * list of examples read on demand as bytes, turned into shuffled, full batches scaled to [−1, 1].
 *
 * An epoch reads its examples in order through a window of reads in flight (at least one batch,
 * so the next batch is read while the trainer works on the current one). Batches are cut from
 * that stream in order, corrupt examples left out: the batches depend only on the order, never
 * on which read finishes first.
 */

import { Random } from '../random';
import { Batch, DataError, DataSource, EpochOptions } from './types';

/** One example as stored: bytes 0 … 255 in HWC order. */
export interface Example {
  image: Uint8Array;
  /** Paired data: the generator's input. */
  source?: Uint8Array;
  label?: number;
}

/** Reads examples by index; the one part that differs between kinds of data. */
export interface ExampleReader {
  /** How many examples there are, including ones not yet known to be corrupt. */
  readonly count: number;
  /** How many have turned out corrupt so far. */
  readonly badCount: number;
  isBad(index: number): boolean;
  /** The example at `index`, or `null` when it is corrupt (the reader has warned about it and marked it bad). */
  read(index: number): Promise<Example | null>;
  close(): Promise<void>;
}

export interface ExampleSourceInfo {
  kind: DataSource['kind'];
  shape: number[];
  sourceShape?: number[];
  hasLabels: boolean;
  classes?: number;
  classNames?: string[];
  /** What a batch of this kind is called in messages ("images", "image pairs"). */
  noun: string;
  describe: () => string;
}

/** Byte value → [−1, 1]: 0 → −1, 255 → 1. */
const BYTE_TO_UNIT = Float32Array.from({ length: 256 }, (_, v) => v / 127.5 - 1);

export class ExampleSource implements DataSource {
  readonly kind: DataSource['kind'];
  readonly shape: number[];
  readonly sourceShape?: number[];
  readonly classes?: number;
  readonly classNames?: string[];
  private readonly imageSize: number;
  private readonly sourceSize: number;

  constructor(
    private readonly info: ExampleSourceInfo,
    private readonly reader: ExampleReader,
    private readonly seed: number,
    /** How many reads an epoch keeps in flight at least. */
    private readonly readAhead: number,
  ) {
    this.kind = info.kind;
    this.shape = info.shape;
    this.sourceShape = info.sourceShape;
    this.classes = info.classes;
    this.classNames = info.classNames;
    this.imageSize = product(info.shape);
    this.sourceSize = info.sourceShape ? product(info.sourceShape) : 0;
  }

  get size(): number {
    return this.reader.count - this.reader.badCount;
  }

  get skipped(): number {
    return this.reader.badCount;
  }

  describe(): string {
    return this.info.describe();
  }

  batchesPerEpoch(batchSize: number): number {
    return Math.floor(this.size / batchSize);
  }

  epoch(epochIndex: number, batchSize: number, options: EpochOptions = {}): AsyncIterable<Batch> {
    checkBatchSize(batchSize, this.size, this.info.noun);
    const startBatch = options.startBatch ?? 0;
    if (!Number.isInteger(startBatch) || startBatch < 0) throw new RangeError(`startBatch must be a non-negative integer, got ${startBatch}`);
    // The order depends on nothing but (seed, epoch), so a resumed run sees the same batches.
    const order = new Random(this.seed, 'data-order', epochIndex).permutation(this.reader.count);
    return this.batches(order, batchSize, startBatch * batchSize);
  }

  async sample(count: number, random: Random): Promise<Batch> {
    const batch = this.allocate(count);
    // Distinct examples while the data set has enough, then with replacement.
    let distinct = true;
    const used = new Set<number>();
    let filled = 0;
    while (filled < count) {
      if (this.size === 0) throw new DataError(`No readable ${this.info.noun} left: all ${this.reader.count} are corrupt`);
      // Each filled slot used one readable example; corrupt ones have left `size`.
      if (distinct && count - filled > this.size - filled) distinct = false;
      const picks: number[] = [];
      while (picks.length < count - filled) {
        const index = random.int(this.reader.count);
        if (this.reader.isBad(index) || (distinct && used.has(index))) continue;
        used.add(index);
        picks.push(index);
      }
      for (const example of await Promise.all(picks.map((index) => this.reader.read(index)))) if (example) this.put(batch, filled++, example);
    }
    return batch;
  }

  close(): Promise<void> {
    return this.reader.close();
  }

  private async *batches(order: Uint32Array, batchSize: number, startPosition: number): AsyncGenerator<Batch> {
    const window = Math.max(batchSize, this.readAhead);
    const inFlight: Array<Promise<Example | null>> = [];
    let position = startPosition;
    const readAhead = (): void => {
      while (inFlight.length < window && position < order.length) {
        const read = this.reader.read(order[position++]);
        read.catch(() => undefined); // a consumer that stops early leaves no unhandled rejection
        inFlight.push(read);
      }
    };
    let yielded = 0;
    for (;;) {
      const batch = this.allocate(batchSize);
      let filled = 0;
      while (filled < batchSize) {
        readAhead();
        const next = inFlight.shift();
        if (!next) break;
        const example = await next;
        if (example) this.put(batch, filled++, example);
      }
      if (filled < batchSize) break; // the epoch's last partial batch is dropped
      readAhead(); // the next batch is read while the trainer works on this one
      yielded++;
      yield batch;
    }
    if (yielded === 0 && startPosition === 0) {
      throw new DataError(
        `Only ${this.size} readable ${this.info.noun} (${this.skipped} corrupt skipped), fewer than one batch of ${batchSize}`,
      );
    }
  }

  private allocate(count: number): Batch {
    const batch: Batch = { count, images: new Float32Array(count * this.imageSize) };
    if (this.info.hasLabels) batch.labels = new Int32Array(count);
    if (this.info.sourceShape) batch.sources = new Float32Array(count * this.sourceSize);
    return batch;
  }

  private put(batch: Batch, slot: number, example: Example): void {
    scaleInto(batch.images, slot * this.imageSize, example.image, this.imageSize);
    if (batch.sources) scaleInto(batch.sources, slot * this.sourceSize, example.source, this.sourceSize);
    if (batch.labels) batch.labels[slot] = example.label ?? 0;
  }
}

/** Throws a `DataError` when an epoch could not fill one batch. */
export function checkBatchSize(batchSize: number, size: number, noun: string): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  if (size < batchSize) {
    throw new DataError(`The data set has ${size} ${noun}, fewer than one batch of ${batchSize}: lower training.batchSize or add data`);
  }
}

function scaleInto(target: Float32Array, offset: number, bytes: Uint8Array | undefined, length: number): void {
  if (!bytes || bytes.length !== length) {
    throw new Error(`internal: an example has ${bytes?.length ?? 'no'} values where ${length} were expected`);
  }
  for (let i = 0; i < length; i++) target[offset + i] = BYTE_TO_UNIT[bytes[i]];
}

export function product(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
