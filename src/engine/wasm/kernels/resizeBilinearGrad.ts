/**
 * ResizeBilinearGrad: the gradient of bilinear upsampling
 * (tf.layers.upSampling2d({interpolation: 'bilinear'}), tf.image.resizeBilinear).
 *
 * Why: with halfPixelCenters = true — PyTorch's align_corners=False and
 * Keras-in-TF2's default — tfjs 4.22's kernel (wasm and cpu alike) is not the
 * adjoint of the forward resize: ⟨resize(x), dy⟩ ≠ ⟨x, grad(dy)⟩ by whole
 * units, i.e. wrong gradients. With the tfjs-layers default (false) the stock
 * kernel is right and ours gives the same numbers.
 *
 * How: the exact adjoint of the forward resize: each dy pixel adds its value,
 * weighted by the four bilinear weights the forward pass used, to the four
 * source pixels, computed with the forward kernel's own index formulas (a
 * SIMD loop over the channels, simd/vectorModule.ts).
 */
import { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { addressOf, f32View, Scratch, simdRuntime, WasmBackendLike } from '../simd/runtime';
import { asWasm, KernelArgs } from './common';

interface AxisTaps {
  lo: Int32Array;
  hi: Int32Array;
  /** weight of `hi`; `lo` gets 1 - frac */
  frac: Float64Array;
}

function axisTaps(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): AxisTaps {
  const effIn = alignCorners && outSize > 1 ? inSize - 1 : inSize;
  const effOut = alignCorners && outSize > 1 ? outSize - 1 : outSize;
  const ratio = effIn / effOut;
  const taps = { lo: new Int32Array(outSize), hi: new Int32Array(outSize), frac: new Float64Array(outSize) };
  for (let i = 0; i < outSize; i++) {
    const src = halfPixelCenters ? ratio * (i + 0.5) - 0.5 : ratio * i;
    const lo = Math.max(0, Math.floor(src));
    taps.lo[i] = lo;
    taps.hi[i] = Math.min(inSize - 1, Math.ceil(src));
    taps.frac[i] = src - lo;
  }
  return taps;
}

export function resizeBilinearGrad(
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
    // Tables: rowLo, rowHi (i32), rowFrac (f32) for OH rows, then the same for OW columns.
    const t = scratch.alloc(12 * (OH + OW));
    // Views after the allocations.
    const buffer = rt.memory.buffer as ArrayBuffer;
    const rows = axisTaps(H, OH, alignCorners, halfPixelCenters);
    const cols = axisTaps(W, OW, alignCorners, halfPixelCenters);
    const at = (k: number): number => t + 4 * k;
    new Int32Array(buffer, at(0), OH).set(rows.lo);
    new Int32Array(buffer, at(OH), OH).set(rows.hi);
    new Float32Array(buffer, at(2 * OH), OH).set(rows.frac);
    new Int32Array(buffer, at(3 * OH), OW).set(cols.lo);
    new Int32Array(buffer, at(3 * OH + OW), OW).set(cols.hi);
    new Float32Array(buffer, at(3 * OH + 2 * OW), OW).set(cols.frac);
    const dxa = addressOf(backend, out);
    f32View(rt.memory, dxa, N * H * W * C).fill(0);
    rt.vec.bilinearGrad(
      addressOf(backend, dy),
      dxa,
      N,
      OH,
      OW,
      C,
      H,
      W,
      at(0),
      at(OH),
      at(2 * OH),
      at(3 * OH),
      at(3 * OH + OW),
      at(3 * OH + 2 * OW),
    );
  } finally {
    scratch.free();
  }
  return out;
}

function resizeBilinearGradKernel(args: KernelArgs): TensorInfo {
  const { images, dy } = args.inputs as { images: TensorInfo; dy: TensorInfo };
  const { alignCorners = false, halfPixelCenters = false } = (args.attrs ?? {}) as {
    alignCorners?: boolean;
    halfPixelCenters?: boolean;
  };
  return resizeBilinearGrad(asWasm(args.backend), images, dy, alignCorners, halfPixelCenters);
}

export const resizeBilinearGradConfig: KernelConfig = {
  kernelName: 'ResizeBilinearGrad',
  backendName: 'wasm',
  kernelFunc: resizeBilinearGradKernel as unknown as KernelConfig['kernelFunc'],
};
