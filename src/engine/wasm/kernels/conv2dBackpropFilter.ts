/**
 * Conv2DBackpropFilter: the filter gradient of conv2d and conv2dTranspose.
 *
 * Why: tfjs-backend-wasm 4.22 has no such kernel, so training any conv layer on
 * wasm fails with "Kernel 'Conv2DBackpropFilter' not registered".
 *
 * How: dW[i, j, ci, co] = Σ over output pixels p=(n, oy, ox) of
 *   x_padded[n, oy·sh + i, ox·sw + j, ci] · dy[n, oy, ox, co].
 * That is a GEMM with M = (i, j, ci), N = co and K = p. For a fixed filter row
 * i, the kw·Ci rows (j, ci) sit at consecutive floats of the padded input (one
 * pixel's channels follow the previous pixel's), so one gemmRows call covers
 * them with rowStride = 4 bytes, and the three-level walk (n, oy, ox) visits
 * the pixels. B = dy, packed. K is split per image (or a few small images) so
 * that the pieces of A and B in use stay in the L1/L2 caches; the pieces are
 * accumulated into dW.
 */
import { backend_util, KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { chunksAlongL2, gemmScratchBytes, KChunk, RowGroup, runGemm } from '../simd/gemm';
import { addressOf, f32View, Scratch, simdRuntime, WasmBackendLike } from '../simd/runtime';
import { asWasm, KernelArgs, padInto, paddedBytes } from './common';

/**
 * Output pixels per K chunk at most (whole images, so at least one image):
 * measured 30 → 33-37 GFLOP/s on DCGAN shapes against chunks sized by B alone.
 */
const A_PIXELS = 64;

export function conv2dBackpropFilterNHWC(
  backend: WasmBackendLike,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const rt = simdRuntime(backend);
  const N = info.batchSize;
  const [H, W, Ci] = [info.inHeight, info.inWidth, info.inChannels];
  const [OH, OW, Co] = [info.outHeight, info.outWidth, info.outChannels];
  const [kh, kw] = [info.filterHeight, info.filterWidth];
  const [sh, sw] = [info.strideHeight, info.strideWidth];
  const [dh, dw] = [info.dilationHeight, info.dilationWidth];
  const { top, left } = info.padInfo;
  const rows = (OH - 1) * sh + (kh - 1) * dh + 1;
  const cols = (OW - 1) * sw + (kw - 1) * dw + 1;

  const out = backend.makeOutput([kh, kw, Ci, Co], 'float32');
  const total = kh * kw * Ci * Co;
  if (total === 0) return out;
  const pixelBytes = Ci * 4;
  // K = output pixels (n, oy, ox); chunks are ranges of images. B = dy,
  // whose pixels are consecutive rows of Co floats. A tile reads one cache
  // line per pixel (its 4 rows are 4 neighbouring channels), so short chunks
  // keep a tile's A in L1 while the panels of B stream past it.
  const plan = (frameRows: number, frameCols: number, dya: number): KChunk[] =>
    chunksAlongL2(
      { l2: N, s2: frameRows * frameCols * pixelBytes, l1: OH, s1: sh * frameCols * pixelBytes, l0: OW, s0: sw * pixelBytes },
      dya,
      { l2: N, s2: OH * OW * Co * 4, l1: OH, s1: OW * Co * 4, l0: OW, s0: Co * 4 },
      4,
      Co,
      A_PIXELS,
    );
  const scratch = new Scratch(backend);
  try {
    const bp = scratch.alloc(Math.max(16, gemmScratchBytes(plan(rows, cols, 0), Co)));
    const padBytes = paddedBytes(N, H, W, Ci, top, left, rows, cols);
    const padBuf = padBytes > 0 ? scratch.alloc(padBytes) : 0;
    // No allocation below this line.
    const dwa = addressOf(backend, out);
    if (N * OH * OW === 0) {
      f32View(rt.memory, dwa, total).fill(0);
      return out;
    }
    const frame = padInto(rt.memory, addressOf(backend, x), N, H, W, Ci, top, left, rows, cols, padBuf);
    // Rows of C = (i, j, ci). For one filter row i they are consecutive floats
    // of the frame (pixel j's channels follow pixel j−1's) unless dilated.
    const groups: RowGroup[] =
      dw === 1
        ? [
            {
              a: frame.addr,
              rowStride: 4,
              rows: kw * Ci,
              c: dwa,
              cRowStride: Co * 4,
              r1: { count: kh, aStride: dh * frame.cols * pixelBytes, cStride: kw * Ci * Co * 4 },
            },
          ]
        : [
            {
              a: frame.addr,
              rowStride: 4,
              rows: Ci,
              c: dwa,
              cRowStride: Co * 4,
              r1: { count: kw, aStride: dw * pixelBytes, cStride: Ci * Co * 4 },
              r2: { count: kh, aStride: dh * frame.cols * pixelBytes, cStride: kw * Ci * Co * 4 },
            },
          ];
    runGemm(rt.gemm, rt.memory, bp, groups, plan(frame.rows, frame.cols, addressOf(backend, dy)), Co, false);
  } finally {
    scratch.free();
  }
  return out;
}

function conv2dBackpropFilterKernel(args: KernelArgs): TensorInfo {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const a = args.attrs as unknown as {
    strides: number | [number, number];
    pad: 'same' | 'valid' | number | backend_util.ExplicitPadding;
    dataFormat?: 'NHWC' | 'NCHW';
    dilations?: number | [number, number];
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
  if (a.dataFormat === 'NCHW') {
    // There is no stock kernel to hand this to; tfjs-layers never uses NCHW
    // internally on wasm (it transposes), so this is only reachable from raw ops.
    throw new Error("gan-studio wasm kernels: Conv2DBackpropFilter supports dataFormat 'NHWC' only");
  }
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    a.filterShape,
    a.strides,
    a.dilations ?? 1,
    a.pad,
    a.dimRoundingMode,
    false,
    'channelsLast',
  );
  return conv2dBackpropFilterNHWC(asWasm(args.backend), x, dy, info);
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilterKernel as unknown as KernelConfig['kernelFunc'],
};

