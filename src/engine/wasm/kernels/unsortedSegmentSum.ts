/**
 * UnsortedSegmentSum: out[segmentIds[i], …] += x[i, …].
 *
 * Why: missing in tfjs-backend-wasm 4.22, and it is the gradient of Gather —
 * so training an Embedding layer (class-conditional GANs: the label
 * embedding) fails on wasm with "Kernel 'UnsortedSegmentSum' not registered".
 *
 * How: one pass over x adding each row into its segment's row, in place in the
 * wasm heap. Ids outside [0, numSegments) are skipped, as TensorFlow does.
 */
import { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { addressOf, WasmBackendLike } from '../simd/runtime';
import { asWasm, KernelArgs, sizeOf } from './common';

export function unsortedSegmentSum(
  backend: WasmBackendLike,
  x: TensorInfo,
  segmentIds: TensorInfo,
  numSegments: number,
): TensorInfo {
  const rows = sizeOf(segmentIds.shape);
  const inner = rows === 0 ? sizeOf(x.shape.slice(segmentIds.shape.length)) : sizeOf(x.shape) / rows;
  const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
  const dtype = x.dtype === 'int32' ? 'int32' : 'float32';
  const out = backend.makeOutput(outShape, dtype);
  // Views after the allocation above.
  const buffer = backend.wasm.HEAPU8.buffer as ArrayBuffer;
  const Arr = dtype === 'int32' ? Int32Array : Float32Array;
  const o = new Arr(buffer, addressOf(backend, out), numSegments * inner);
  const xs = new Arr(buffer, addressOf(backend, x), rows * inner);
  const ids = new Int32Array(buffer, addressOf(backend, segmentIds), rows);
  o.fill(0);
  for (let i = 0; i < rows; i++) {
    const id = ids[i];
    if (id < 0 || id >= numSegments) continue;
    const src = i * inner;
    const dst = id * inner;
    for (let j = 0; j < inner; j++) o[dst + j] += xs[src + j];
  }
  return out;
}

function unsortedSegmentSumKernel(args: KernelArgs): TensorInfo {
  const { x, segmentIds } = args.inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = args.attrs as unknown as { numSegments: number };
  if (segmentIds.dtype !== 'int32') {
    throw new Error('gan-studio wasm kernels: UnsortedSegmentSum needs int32 segmentIds');
  }
  return unsortedSegmentSum(asWasm(args.backend), x, segmentIds, numSegments);
}

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSumKernel as unknown as KernelConfig['kernelFunc'],
};
