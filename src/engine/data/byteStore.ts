/**
 * Random access to the bytes of a possibly gzipped file: held in memory when it fits the cache
 * budget, otherwise read from disk per request (a gzipped file is first unpacked to a temporary
 * file, since gzip cannot be read from the middle).
 */

import { createReadStream, createWriteStream, promises as fs } from 'fs';
import type { FileHandle } from 'fs/promises';
import * as os from 'os';
import * as path from 'path';
import { pipeline } from 'stream/promises';
import * as zlib from 'zlib';
import * as buffer from 'buffer';
import { promisify } from 'util';

const gunzip = promisify(zlib.gunzip);

export interface ByteStore {
  readonly length: number;
  readonly inMemory: boolean;
  /** Whether the file was gzipped. */
  readonly gzipped: boolean;
  read(offset: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** Opens `file`; a gzipped file is recognised by its magic bytes 1f 8b, not by its name. */
export async function openByteStore(file: string, memoryBudget: number): Promise<ByteStore> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const magic = Buffer.alloc(2);
    await handle.read(magic, 0, 2, 0);
    const gzipped = size >= 18 && magic[0] === 0x1f && magic[1] === 0x8b;
    if (!gzipped) {
      if (size <= memoryBudget) return new MemoryStore(await handle.readFile(), false);
      return new FileStore(await fs.open(file, 'r'), size, false);
    }
    // The gzip trailer stores the unpacked size modulo 2³², enough to choose memory or disk;
    // the output limit catches a file whose true size wrapped around.
    const trailer = Buffer.alloc(4);
    await handle.read(trailer, 0, 4, size - 4);
    if (trailer.readUInt32LE(0) <= memoryBudget) {
      const maxOutputLength = Math.max(1, Math.min(memoryBudget, buffer.kMaxLength));
      try {
        return new MemoryStore(await gunzip(await handle.readFile(), { maxOutputLength }), true);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE') throw corruptGzip(error);
      }
    }
    const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'gan-studio-idx-'));
    const unpacked = path.join(folder, path.basename(file).replace(/\.gz$/i, ''));
    try {
      await pipeline(createReadStream(file), zlib.createGunzip(), createWriteStream(unpacked));
      const { size: unpackedSize } = await fs.stat(unpacked);
      return new FileStore(await fs.open(unpacked, 'r'), unpackedSize, true, folder);
    } catch (error) {
      await fs.rm(folder, { recursive: true, force: true });
      throw corruptGzip(error);
    }
  } finally {
    await handle.close();
  }
}

function corruptGzip(error: unknown): Error {
  const { code, message } = error as NodeJS.ErrnoException;
  return code?.startsWith('Z_') ? new Error(`corrupt gzip data (${message})`) : (error as Error);
}

class MemoryStore implements ByteStore {
  readonly inMemory = true;
  private bytes: Uint8Array;

  constructor(buffer: Buffer, readonly gzipped: boolean) {
    this.bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    return this.bytes.subarray(offset, offset + length);
  }

  async close(): Promise<void> {
    this.bytes = new Uint8Array(0);
  }
}

class FileStore implements ByteStore {
  readonly inMemory = false;
  private closed = false;

  constructor(
    private readonly handle: FileHandle,
    readonly length: number,
    readonly gzipped: boolean,
    /** A temporary folder to delete on close. */
    private readonly temporary?: string,
  ) {}

  async read(offset: number, length: number): Promise<Uint8Array> {
    const buffer = Buffer.alloc(Math.max(0, Math.min(length, this.length - offset)));
    const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, offset);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, bytesRead);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
    if (this.temporary) await fs.rm(this.temporary, { recursive: true, force: true });
  }
}
