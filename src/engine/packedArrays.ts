/**
 * Named typed arrays in one binary file plus a JSON index — how checkpoints store the
 * optimiser slots and the fixed sample batch (model weights use tfjs' own format).
 * Little-endian float32/int32, each array 4-byte aligned, in index order.
 */
export type PackedDtype = 'float32' | 'int32';

export interface PackedEntry {
  name: string;
  dtype: PackedDtype;
  shape: number[];
  /** Byte offset in the binary file. */
  offset: number;
}

export interface NamedArray {
  name: string;
  shape: number[];
  data: Float32Array | Int32Array;
}

export function packArrays(arrays: NamedArray[]): { index: PackedEntry[]; bytes: Uint8Array } {
  const total = arrays.reduce((sum, a) => sum + a.data.length * 4, 0);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  const index: PackedEntry[] = [];
  let offset = 0;
  for (const array of arrays) {
    const dtype: PackedDtype = array.data instanceof Int32Array ? 'int32' : 'float32';
    index.push({ name: array.name, dtype, shape: array.shape, offset });
    for (let i = 0; i < array.data.length; i++, offset += 4) {
      if (dtype === 'int32') view.setInt32(offset, array.data[i], true);
      else view.setFloat32(offset, array.data[i], true);
    }
  }
  return { index, bytes };
}

export function unpackArrays(index: PackedEntry[], bytes: Uint8Array): Map<string, NamedArray> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const arrays = new Map<string, NamedArray>();
  for (const entry of index) {
    const length = entry.shape.reduce((a, b) => a * b, 1);
    if (entry.offset + length * 4 > bytes.byteLength) throw new Error(`Array ${entry.name} runs past the end of its file`);
    const data = entry.dtype === 'int32' ? new Int32Array(length) : new Float32Array(length);
    for (let i = 0; i < length; i++) {
      const at = entry.offset + i * 4;
      data[i] = entry.dtype === 'int32' ? view.getInt32(at, true) : view.getFloat32(at, true);
    }
    arrays.set(entry.name, { name: entry.name, shape: entry.shape, data });
  }
  return arrays;
}
