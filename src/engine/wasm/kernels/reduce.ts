/**
 * Sum and Mean over a contiguous block of axes — the reductions of a conv
 * net: bias gradients and batch-norm statistics ([N, H, W, C] over [0, 1, 2]),
 * instance norm ([1, 2]), per-image sums ([1, 2, 3]).
 *
 * Why: the stock kernels first transpose the reduced axes to the end (a full
 * copy with a slow access pattern), then sum: 5-11 ms for 800K floats. Ours
 * sum in place, 16 floats per row at a time (one cache line), ~0.3 ms.
 * Non-contiguous axis sets and int32 go to the stock kernel.
 */
import { KernelConfig, TensorInfo, util } from '@tensorflow/tfjs';
import { addressOf, simdRuntime } from '../simd/runtime';
import { asWasm, callStock, KernelArgs, sizeOf } from './common';

interface Block {
  outer: number;
  mid: number;
  inner: number;
  outShape: number[];
}

/** Splits the shape into [outer | reduced | inner] if the reduced axes are contiguous. */
function blockOf(shape: readonly number[], axisAttr: number | number[], keepDims: boolean): Block | undefined {
  const axes = util.parseAxisParam(axisAttr, shape as number[]).sort((a, b) => a - b);
  if (axes.length === 0) return undefined; // identity: leave to stock
  for (let i = 1; i < axes.length; i++) if (axes[i] !== axes[i - 1] + 1) return undefined;
  const first = axes[0];
  const last = axes[axes.length - 1];
  const outShape: number[] = [];
  shape.forEach((d, i) => {
    if (i < first || i > last) outShape.push(d);
    else if (keepDims) outShape.push(1);
  });
  return {
    outer: sizeOf(shape.slice(0, first)),
    mid: sizeOf(shape.slice(first, last + 1)),
    inner: sizeOf(shape.slice(last + 1)),
    outShape,
  };
}

function reduce(args: KernelArgs, name: 'Sum' | 'Mean'): TensorInfo {
  const { x } = args.inputs as { x: TensorInfo };
  const { axis, keepDims = false } = args.attrs as unknown as { axis: number | number[]; keepDims?: boolean };
  const block = x.dtype === 'float32' ? blockOf(x.shape, axis, keepDims) : undefined;
  if (!block) return callStock(name, args);
  const backend = asWasm(args.backend);
  const out = backend.makeOutput(block.outShape, 'float32');
  const rt = simdRuntime(backend);
  const xa = addressOf(backend, x);
  const oa = addressOf(backend, out);
  if (block.inner === 1) rt.vec.rowSum(xa, oa, block.outer, block.mid);
  else rt.vec.blockSum(xa, oa, block.outer, block.mid, block.inner);
  if (name === 'Mean' && block.mid !== 1) {
    const o = new Float32Array(rt.memory.buffer as ArrayBuffer, oa, block.outer * block.inner);
    const scale = 1 / block.mid;
    for (let i = 0; i < o.length; i++) o[i] *= scale;
  }
  return out;
}

export const sumConfig: KernelConfig = {
  kernelName: 'Sum',
  backendName: 'wasm',
  kernelFunc: ((args: KernelArgs) => reduce(args, 'Sum')) as unknown as KernelConfig['kernelFunc'],
};

export const meanConfig: KernelConfig = {
  kernelName: 'Mean',
  backendName: 'wasm',
  kernelFunc: ((args: KernelArgs) => reduce(args, 'Mean')) as unknown as KernelConfig['kernelFunc'],
};
