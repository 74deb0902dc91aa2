/**
 * Conv2D and FusedConv2D (what tfjs-layers' Conv2D layer runs) on our SIMD GEMM.
 *
 * Why replace the stock kernel: it works, but XNNPACK's wasm build has no FMA
 * and reaches 16-20 GFLOP/s here; our GEMM reaches 33-36 on DCGAN layers
 * with relaxed-SIMD FMA.
 *
 * How: an implicit-im2col GEMM. Output pixel (n, oy, ox) is one row of C; its
 * row of A is the receptive field read straight from the (zero-padded) input:
 * for filter row i, column j, channel c the element is at
 *   frame(n, oy·sh + i·dh, ox·sw + j·dw, c)
 * which is the three-level walk (i, j, c) of gemmModule. Consecutive output
 * columns are sw·C floats apart, so the output is a grid — OW pixels × OH rows
 * × N images — that one wasm call per K chunk covers (simd/gemm.ts). The
 * filter [kh, kw, C, Co] is already B = [K = kh·kw·C, Co].
 */
import { backend_util, KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { chunksAlongL2, gemmScratchBytes, KChunk, RowGroup, runGemm } from '../simd/gemm';
import { addressOf, f32View, Scratch, simdRuntime, WasmBackendLike } from '../simd/runtime';
import { asWasm, callStock, fillRows, KernelArgs, padInto, paddedBytes, sizeOf } from './common';

type ConvInfo = backend_util.Conv2DInfo;

/**
 * y = conv(x, filter) (+ bias broadcast over the last axis) for NHWC data.
 * Exported for the tests and for kernels that reuse it.
 */
export function conv2dNHWC(
  backend: WasmBackendLike,
  x: TensorInfo,
  filter: TensorInfo,
  info: ConvInfo,
  bias?: TensorInfo,
): TensorInfo {
  const rt = simdRuntime(backend);
  const N = info.batchSize;
  const [H, W, C] = [info.inHeight, info.inWidth, info.inChannels];
  const [OH, OW, Co] = [info.outHeight, info.outWidth, info.outChannels];
  const [kh, kw] = [info.filterHeight, info.filterWidth];
  const [sh, sw] = [info.strideHeight, info.strideWidth];
  const [dh, dw] = [info.dilationHeight, info.dilationWidth];
  const { top, left } = info.padInfo;
  // Rows/cols of the padded frame that the filter actually visits.
  const rows = (OH - 1) * sh + (kh - 1) * dh + 1;
  const cols = (OW - 1) * sw + (kw - 1) * dw + 1;

  const out = backend.makeOutput([N, OH, OW, Co], 'float32');
  if (N * OH * OW * Co === 0) return out;
  // K = (filter row i, filter column j, input channel c). A reads the input
  // frame (its width is known after padding), B the filter [kh, kw, C, Co];
  // a chunk is a range of filter rows.
  const plan = (frameCols: number, fa: number): KChunk[] =>
    chunksAlongL2(
      { l2: kh, s2: dh * frameCols * C * 4, l1: kw, s1: dw * C * 4, l0: C, s0: 4 },
      fa,
      { l2: kh, s2: kw * C * Co * 4, l1: kw, s1: C * Co * 4, l0: C, s0: Co * 4 },
      4,
      Co,
    );
  const scratch = new Scratch(backend);
  try {
    const bp = scratch.alloc(gemmScratchBytes(plan(cols, 0), Co));
    const padBytes = paddedBytes(N, H, W, C, top, left, rows, cols);
    const padBuf = padBytes > 0 ? scratch.alloc(padBytes) : 0;
    // No allocation below this line: addresses and views stay valid.
    const ya = addressOf(backend, out);
    const frame = padInto(rt.memory, addressOf(backend, x), N, H, W, C, top, left, rows, cols, padBuf);
    let accumulate = false;
    if (bias) {
      const b = f32View(rt.memory, addressOf(backend, bias), sizeOf(bias.shape));
      fillRows(rt.memory, ya, N * OH * OW, Co, b);
      accumulate = true;
    }
    // Rows of C: the OW pixels of an output row (sw·C floats apart in the
    // frame), repeated for the OH rows and the N images.
    const groups: RowGroup[] = [
      {
        a: frame.addr,
        rowStride: sw * C * 4,
        rows: OW,
        c: ya,
        cRowStride: Co * 4,
        r1: { count: OH, aStride: sh * frame.cols * C * 4, cStride: OW * Co * 4 },
        r2: { count: N, aStride: frame.rows * frame.cols * C * 4, cStride: OH * OW * Co * 4 },
      },
    ];
    runGemm(rt.gemm, rt.memory, bp, groups, plan(frame.cols, addressOf(backend, filter)), Co, accumulate);
  } finally {
    scratch.free();
  }
  return out;
}

function convInfoFor(
  x: TensorInfo,
  filter: TensorInfo,
  attrs: KernelArgs['attrs'],
): ConvInfo | undefined {
  const a = attrs as unknown as {
    strides: number | [number, number];
    pad: 'same' | 'valid' | number | backend_util.ExplicitPadding;
    dataFormat?: 'NHWC' | 'NCHW';
    dilations?: number | [number, number];
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  if (a.dataFormat === 'NCHW') return undefined;
  return backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    a.strides,
    a.dilations ?? 1,
    a.pad,
    a.dimRoundingMode,
    false,
    'channelsLast',
  );
}

function conv2dKernel(args: KernelArgs): TensorInfo {
  const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
  const info = convInfoFor(x, filter, args.attrs);
  if (!info) return callStock('Conv2D', args);
  return conv2dNHWC(asWasm(args.backend), x, filter, info);
}

function fusedConv2dKernel(args: KernelArgs): TensorInfo {
  const { x, filter, bias, preluActivationWeights } = args.inputs as {
    x: TensorInfo;
    filter: TensorInfo;
    bias?: TensorInfo;
    preluActivationWeights?: TensorInfo;
  };
  const activation = (args.attrs as { activation?: string } | undefined)?.activation ?? 'linear';
  const info = convInfoFor(x, filter, args.attrs);
  // tfjs-layers always asks for 'linear' (it applies activations as separate
  // layers); anything else, or a bias that is not per-channel, goes to stock.
  const biasOk = !bias || bias.shape.length === 0 || (bias.shape.length === 1 && (bias.shape[0] === info?.outChannels || bias.shape[0] === 1));
  if (!info || activation !== 'linear' || preluActivationWeights || !biasOk) {
    return callStock('FusedConv2D', args);
  }
  return conv2dNHWC(asWasm(args.backend), x, filter, info, bias);
}

export const conv2dConfig: KernelConfig = {
  kernelName: 'Conv2D',
  backendName: 'wasm',
  kernelFunc: conv2dKernel as unknown as KernelConfig['kernelFunc'],
};

export const fusedConv2dConfig: KernelConfig = {
  kernelName: 'FusedConv2D',
  backendName: 'wasm',
  kernelFunc: fusedConv2dKernel as unknown as KernelConfig['kernelFunc'],
};
