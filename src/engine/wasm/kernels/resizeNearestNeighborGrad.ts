/**
 * ResizeNearestNeighborGrad: the gradient of nearest-neighbour upsampling
 * (tf.layers.upSampling2d with the default interpolation).
 *
 * Why: tfjs-backend-wasm 4.22's kernel ignores halfPixelCenters, so with it
 * set the result is not the adjoint of the forward resize (wrong gradients).
 * (tfjs's cpu kernel is worse: it reads dy with the *input's* batch stride,
 * so it is wrong for every batch > 1 — do not use it as a reference here.)
 *
 * How: the exact adjoint of the forward resize. Every dy pixel came from one
 * source pixel, found with the same formula the forward kernel uses; add dy
 * there (a SIMD loop over the channels, simd/vectorModule.ts). For halfPixelCenters = false and batch 1 this equals the cpu
 * backend's result, and it always equals the stock wasm kernel's.
 */
import { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { addressOf, f32View, Scratch, simdRuntime, WasmBackendLike } from '../simd/runtime';
import { asWasm, KernelArgs } from './common';

/** Source index of output index `i` along one axis (same formula as the forward op). */
function sourceIndex(i: number, ratio: number, inSize: number, alignCorners: boolean, halfPixelCenters: boolean): number {
  const frac = halfPixelCenters ? ratio * (i + 0.5) : ratio * i;
  let src = Math.min(inSize - 1, alignCorners ? Math.round(frac) : Math.floor(frac));
  if (halfPixelCenters) src = Math.max(0, src);
  return src;
}

function axisMap(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): Int32Array {
  const effIn = alignCorners && outSize > 1 ? inSize - 1 : inSize;
  const effOut = alignCorners && outSize > 1 ? outSize - 1 : outSize;
  const ratio = effIn / effOut;
  const map = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) map[i] = sourceIndex(i, ratio, inSize, alignCorners, halfPixelCenters);
  return map;
}

export function resizeNearestNeighborGrad(
  backend: WasmBackendLike,
  images: TensorInfo,
  dy: TensorInfo,
  alignCorners: boolean,
  halfPixelCenters: boolean,
): TensorInfo {
  const [N, H, W, C] = images.shape;
  const [, OH, OW] = dy.shape;
  const out = backend.makeOutput([N, H, W, C], 'float32');
  const rt = simdRuntime(backend);
  const scratch = new Scratch(backend);
  try {
    const maps = scratch.alloc(4 * (OH + OW));
    // Views after the allocations.
    const buffer = rt.memory.buffer as ArrayBuffer;
    new Int32Array(buffer, maps, OH).set(axisMap(H, OH, alignCorners, halfPixelCenters));
    new Int32Array(buffer, maps + 4 * OH, OW).set(axisMap(W, OW, alignCorners, halfPixelCenters));
    const dxa = addressOf(backend, out);
    f32View(rt.memory, dxa, N * H * W * C).fill(0);
    rt.vec.nearestGrad(addressOf(backend, dy), dxa, N, OH, OW, C, H, W, maps, maps + 4 * OH);
  } finally {
    scratch.free();
  }
  return out;
}

function resizeNearestNeighborGradKernel(args: KernelArgs): TensorInfo {
  const { images, dy } = args.inputs as { images: TensorInfo; dy: TensorInfo };
  const { alignCorners = false, halfPixelCenters = false } = (args.attrs ?? {}) as {
    alignCorners?: boolean;
    halfPixelCenters?: boolean;
  };
  return resizeNearestNeighborGrad(asWasm(args.backend), images, dy, alignCorners, halfPixelCenters);
}

export const resizeNearestNeighborGradConfig: KernelConfig = {
  kernelName: 'ResizeNearestNeighborGrad',
  backendName: 'wasm',
  kernelFunc: resizeNearestNeighborGradKernel as unknown as KernelConfig['kernelFunc'],
};
