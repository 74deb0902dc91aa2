/**
 * MNIST-format IDX files, gzipped or not: images as unsigned bytes (`idx3`: N×H×W, or
 * `idx4`: N×H×W×C) and labels (`idx1`: N).
 *
 * Format: two zero bytes, a data-type byte (0x08 = unsigned byte), a byte with the number of
 * dimensions, then each dimension as a big-endian 32-bit integer, then the values row-major.
 */

import type { IdxData } from '../../spec/types';
import { ByteStore, openByteStore } from './byteStore';
import { layoutOf } from './decode';
import { Example, ExampleReader, ExampleSource } from './examples';
import { requireFile, resolveDataPath } from './files';
import { ResolvedOptions } from './options';
import { DataError, DataSource } from './types';

const UNSIGNED_BYTE = 0x08;
const TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

export interface IdxHeader {
  dataType: number;
  dims: number[];
  /** Where the values start. */
  dataOffset: number;
}

/** Reads an IDX header; `file` and `key` name the file in errors. */
export function parseIdxHeader(head: Uint8Array, file: string, key: string): IdxHeader {
  const hex = (bytes: Uint8Array): string => [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  if (head.length < 4 || head[0] !== 0 || head[1] !== 0 || !(head[2] in TYPE_NAMES) || head[3] < 1 || head[3] > 4) {
    throw new DataError(
      `${key}: ${file} is not an IDX file (it starts with ${hex(head) || 'nothing'}; IDX images start with 00 00 08 03, labels with 00 00 08 01)`,
      file,
    );
  }
  const ndims = head[3];
  if (head.length < 4 + 4 * ndims) throw new DataError(`${key}: ${file} is truncated inside its IDX header`, file);
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i, false));
  return { dataType: head[2], dims, dataOffset: 4 + 4 * ndims };
}

/** Writes an IDX file of unsigned bytes with the given dimensions (used by the MNIST script and tests). */
export function encodeIdx(dims: number[], values: Uint8Array): Buffer {
  const count = dims.reduce((a, b) => a * b, 1);
  if (values.length !== count) throw new Error(`encodeIdx: ${values.length} values for dims ${dims.join('×')}`);
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = UNSIGNED_BYTE;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, values]);
}

interface IdxFile {
  store: ByteStore;
  header: IdxHeader;
}

/** Opens an IDX file of unsigned bytes and checks that its length matches its header. */
async function openIdxFile(file: string, key: string, memoryBudget: number, allowedDims: number[]): Promise<IdxFile> {
  let store: ByteStore;
  try {
    store = await openByteStore(file, memoryBudget);
  } catch (error) {
    throw new DataError(`${key}: cannot read ${file}: ${(error as Error).message}`, file);
  }
  try {
    const header = parseIdxHeader(await store.read(0, 4 + 4 * 4), file, key);
    const what = allowedDims.includes(1) ? 'labels (idx1)' : 'images (idx3 or idx4)';
    if (!allowedDims.includes(header.dims.length)) {
      throw new DataError(`${key}: ${file} has ${header.dims.length} dimension(s) (${header.dims.join('×')}); expected ${what}`, file);
    }
    if (header.dataType !== UNSIGNED_BYTE) {
      throw new DataError(`${key}: ${file} stores ${TYPE_NAMES[header.dataType]} values; only unsigned bytes (type 0x08) are supported`, file);
    }
    const expected = header.dataOffset + header.dims.reduce((a, b) => a * b, 1);
    if (store.length < expected) {
      throw new DataError(
        `${key}: ${file} is truncated: its header declares ${header.dims.join('×')} values (${expected} bytes) but it holds ${store.length} bytes`,
        file,
      );
    }
    return { store, header };
  } catch (error) {
    await store.close();
    throw error;
  }
}

export async function openIdx(data: IdxData, options: ResolvedOptions): Promise<DataSource> {
  const layout = layoutOf(data.shape, 'data.shape');
  const imagesFile = resolveDataPath(options.specDir, data.images);
  await requireFile(imagesFile, 'data.images', data.images);
  const labelsFile = data.labels === undefined ? undefined : resolveDataPath(options.specDir, data.labels);
  if (labelsFile !== undefined) await requireFile(labelsFile, 'data.labels', data.labels ?? '');

  const images = await openIdxFile(imagesFile, 'data.images', options.cacheBytes, [3, 4]);
  let labelsStore: ByteStore | undefined;
  try {
    const [total, height, width, channels = 1] = images.header.dims;
    if (height !== layout.height || width !== layout.width || channels !== layout.channels) {
      throw new DataError(
        `data.shape ${JSON.stringify(data.shape)} does not match ${imagesFile}, whose header declares ${total} images of ${height}×${width}×${channels}; use "shape": [${height}, ${width}, ${channels}]`,
        imagesFile,
      );
    }
    if (total === 0) throw new DataError(`data.images: ${imagesFile} holds no images`, imagesFile);

    let labels: Uint8Array | undefined;
    let classes: number | undefined;
    if (labelsFile !== undefined) {
      // Labels are one byte each: always held in memory.
      const labelFile = await openIdxFile(labelsFile, 'data.labels', Number.POSITIVE_INFINITY, [1]);
      labelsStore = labelFile.store;
      if (labelFile.header.dims[0] !== total) {
        throw new DataError(
          `data.labels: ${labelsFile} has ${labelFile.header.dims[0]} labels but ${imagesFile} has ${total} images`,
          labelsFile,
        );
      }
      labels = await labelsStore.read(labelFile.header.dataOffset, total);
      classes = labels.reduce((max, label) => Math.max(max, label), 0) + 1;
    }

    const count = Math.min(total, data.limit ?? total);
    const reader = new IdxReader(images.store, images.header.dataOffset, height * width * channels, count, labels, labelsStore);
    const source: DataSource = new ExampleSource(
      {
        kind: 'idx',
        shape: [height, width, channels],
        hasLabels: labels !== undefined,
        classes,
        noun: 'images',
        describe: () => {
          const limited = count < total ? ` (limit: ${count} of ${total})` : '';
          const storage = images.store.inMemory ? 'held in memory' : 'read from disk per batch';
          const labelText = labelsFile ? `, labels 0–${(classes ?? 1) - 1} from ${labelsFile}` : '';
          return `${count} images${limited} of ${height}×${width}×${channels} from ${imagesFile} (${images.store.gzipped ? 'gzipped ' : ''}IDX, ${storage})${labelText}`;
        },
      },
      reader,
      options.seed,
      options.concurrency,
    );
    return source;
  } catch (error) {
    await images.store.close();
    await labelsStore?.close();
    throw error;
  }
}

class IdxReader implements ExampleReader {
  readonly badCount = 0;

  constructor(
    private readonly store: ByteStore,
    private readonly dataOffset: number,
    private readonly exampleBytes: number,
    readonly count: number,
    private readonly labels: Uint8Array | undefined,
    private readonly labelsStore: ByteStore | undefined,
  ) {}

  isBad(): boolean {
    return false;
  }

  async read(index: number): Promise<Example | null> {
    return {
      image: await this.store.read(this.dataOffset + index * this.exampleBytes, this.exampleBytes),
      label: this.labels?.[index],
    };
  }

  async close(): Promise<void> {
    await this.store.close();
    await this.labelsStore?.close();
  }
}
