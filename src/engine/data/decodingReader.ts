/**
 * Reads examples that must be decoded from image files: a few decodes at a time (sharp works
 * on libuv's thread pool, so they overlap with each other and with training), decoded bytes
 * kept in memory up to a budget, corrupt files warned about once and then avoided.
 */

import { DataError } from './types';
import { Example, ExampleReader } from './examples';

export interface DecodingReaderOptions {
  warn: (message: string) => void;
  cacheBytes: number;
  concurrency: number;
  /** What one example is called in warnings: "image", "image pair". */
  noun: string;
}

export interface FileEntry {
  /** The file (or files) an example comes from, as warnings name it. */
  name: string;
}

export class DecodingReader<E extends FileEntry> implements ExampleReader {
  private readonly bad = new Set<number>();
  // Fill-once cache: under random access an evicting cache would keep replacing entries for
  // nothing, so the first examples decoded stay and the rest are decoded every time.
  private readonly cache = new Map<number, Example>();
  private cachedBytes = 0;
  private readonly slots: Semaphore;

  constructor(
    private readonly entries: E[],
    private readonly decode: (entry: E) => Promise<Example>,
    private readonly options: DecodingReaderOptions,
  ) {
    this.slots = new Semaphore(options.concurrency);
  }

  get count(): number {
    return this.entries.length;
  }

  get badCount(): number {
    return this.bad.size;
  }

  isBad(index: number): boolean {
    return this.bad.has(index);
  }

  async read(index: number): Promise<Example | null> {
    const cached = this.cache.get(index);
    if (cached) return cached;
    if (this.bad.has(index)) return null;
    await this.slots.acquire();
    try {
      return await this.decodeAndKeep(index);
    } finally {
      this.slots.release();
    }
  }

  /**
   * Decodes examples in file order until one succeeds, so that a folder of nothing but corrupt
   * files fails before training starts. Corrupt ones met on the way are warned about and skipped.
   */
  async requireOneReadable(folderDescription: string, folder: string): Promise<void> {
    for (let index = 0; index < this.entries.length; index++) {
      if ((await this.read(index)) !== null) return;
    }
    throw new DataError(`None of the ${this.entries.length} image file(s) in ${folderDescription} could be decoded (each was skipped with a warning)`, folder);
  }

  async close(): Promise<void> {
    this.cache.clear();
    this.cachedBytes = 0;
  }

  private async decodeAndKeep(index: number): Promise<Example | null> {
    // Another read of the same example may have finished while this one waited for a slot.
    const cached = this.cache.get(index);
    if (cached) return cached;
    if (this.bad.has(index)) return null;
    const entry = this.entries[index];
    let example: Example;
    try {
      example = await this.decode(entry);
    } catch (error) {
      if (!this.bad.has(index)) {
        this.bad.add(index);
        this.options.warn(`Skipped unreadable ${this.options.noun} ${entry.name}: ${oneLine((error as Error).message)}`);
      }
      return null;
    }
    const bytes = example.image.byteLength + (example.source?.byteLength ?? 0);
    if (!this.cache.has(index) && this.cachedBytes + bytes <= this.options.cacheBytes) {
      this.cache.set(index, example);
      this.cachedBytes += bytes;
    }
    return example;
  }
}

/** A decoder's message on one line: libvips repeats lines and ends them with newlines. */
export function oneLine(message: string): string {
  return [...new Set(message.split(/\r?\n/).map((line) => line.trim()).filter(Boolean))].join('; ');
}

/** At most `size` holders at a time; the others wait in order. */
class Semaphore {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(size: number) {
    this.free = Math.max(1, size);
  }

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}
