/**
 * Conv2DBackpropInput: the input gradient of conv2d AND the forward pass of
 * conv2dTranspose (every upsampling layer of a DCGAN / pix2pix generator).
 *
 * Why replace the stock kernel: tfjs-backend-wasm runs it as a scalar loop
 * (~4.5 GFLOP/s measured); it is the most expensive kernel of a GAN step.
 *
 * How: split the strided transposed convolution into sh·sw "phases". Output
 * row y = q·sh + ry − top (ry = phase) only receives filter rows
 * i = ry + t·sh, from dy row q − t. So each phase is an ordinary stride-1
 * convolution of dy with the sub-filter W[ry::sh, rx::sw] (read backwards,
 * in↔out channels swapped), writing every sh-th row and sw-th column of dx.
 * No work is spent on the zeros a naive "dilate dy, then convolve" would
 * multiply. Each phase is one implicit-im2col GEMM (see conv2d.ts): A walks
 * dy (zero-padded so that every q − t is addressable) with negative strides,
 * B is the packed sub-filter, and C rows land sw·Ci floats apart in dx.
 */
import { backend_util, KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { chunksAlongL2, gemmScratchBytes, KChunk, RowGroup, runGemm } from '../simd/gemm';
import { addressOf, f32View, Scratch, simdRuntime, WasmBackendLike } from '../simd/runtime';
import { asWasm, callStock, KernelArgs, padInto, paddedBytes } from './common';

interface Phase {
  ry: number;
  rx: number;
  /** taps of the sub-filter in each direction */
  T: number;
  U: number;
  /** range of q (rows of this phase, in dy coordinates) and w (columns) */
  q0: number;
  nq: number;
  w0: number;
  nw: number;
}

const ceilDiv = (a: number, b: number): number => -Math.floor(-a / b);

/** The phases along one axis: for each residue r, taps and output range. */
function axisPhases(
  size: number,
  kernel: number,
  stride: number,
  padBefore: number,
): Array<{ r: number; taps: number; first: number; count: number }> {
  const out = [];
  for (let r = 0; r < stride; r++) {
    const taps = r < kernel ? ceilDiv(kernel - r, stride) : 0;
    const first = Math.max(0, ceilDiv(padBefore - r, stride));
    const last = Math.floor((size - 1 + padBefore - r) / stride);
    out.push({ r, taps, first, count: Math.max(0, last - first + 1) });
  }
  return out;
}

/**
 * dx = conv2d_backprop_input(dy, filter) for NHWC data, with `info` the
 * geometry of the forward convolution (x = dx's shape).
 */
export function conv2dBackpropInputNHWC(
  backend: WasmBackendLike,
  dy: TensorInfo,
  filter: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const rt = simdRuntime(backend);
  const N = info.batchSize;
  const [H, W, Ci] = [info.inHeight, info.inWidth, info.inChannels];
  const [OH, OW, Co] = [info.outHeight, info.outWidth, info.outChannels];
  const [kh, kw] = [info.filterHeight, info.filterWidth];
  const [sh, sw] = [info.strideHeight, info.strideWidth];
  const { top, left } = info.padInfo;

  const rowsP = axisPhases(H, kh, sh, top);
  const colsP = axisPhases(W, kw, sw, left);
  const phases: Phase[] = [];
  let anyEmpty = false;
  for (const py of rowsP) {
    for (const px of colsP) {
      if (py.count === 0 || px.count === 0) continue;
      if (py.taps === 0 || px.taps === 0) {
        anyEmpty = true; // these dx pixels get no contribution: zero
        continue;
      }
      phases.push({ ry: py.r, rx: px.r, T: py.taps, U: px.taps, q0: py.first, nq: py.count, w0: px.first, nw: px.count });
    }
  }
  // Zero rows/cols of dy needed around it so that every q − t, w − u exists.
  let padT = 0;
  let padB = 0;
  let padL = 0;
  let padR = 0;
  for (const p of phases) {
    padT = Math.max(padT, p.T - 1 - p.q0);
    padB = Math.max(padB, p.q0 + p.nq - 1 - (OH - 1));
    padL = Math.max(padL, p.U - 1 - p.w0);
    padR = Math.max(padR, p.w0 + p.nw - 1 - (OW - 1));
  }
  const frameRows = OH + padT + padB;
  const frameCols = OW + padL + padR;

  const out = backend.makeOutput([N, H, W, Ci], 'float32');
  if (N * H * W * Ci === 0) return out;
  // K = (t, u, co).  A(row = w, k) = dy[q − t, w − u, co]: negative strides
  // through the padded dy.  B[k][ci] = W[ry + t·sh, rx + u·sw, ci, co].
  // A chunk is a range of t.
  const planFor = (p: Phase, fa: number): KChunk[] =>
    chunksAlongL2(
      { l2: p.T, s2: -frameCols * Co * 4, l1: p.U, s1: -Co * 4, l0: Co, s0: 4 },
      fa + (p.ry * kw + p.rx) * Ci * Co * 4,
      { l2: p.T, s2: sh * kw * Ci * Co * 4, l1: p.U, s1: sw * Ci * Co * 4, l0: Co, s0: 4 },
      Co * 4,
      Ci,
    );
  const scratch = new Scratch(backend);
  try {
    let maxScratch = 0;
    for (const p of phases) maxScratch = Math.max(maxScratch, gemmScratchBytes(planFor(p, 0), Ci));
    const bp = maxScratch > 0 ? scratch.alloc(maxScratch) : 0;
    const padBytes = paddedBytes(N, OH, OW, Co, padT, padL, frameRows, frameCols);
    const padBuf = padBytes > 0 ? scratch.alloc(padBytes) : 0;
    // No allocation below this line.
    const dxa = addressOf(backend, out);
    const fa = addressOf(backend, filter);
    const frame = padInto(rt.memory, addressOf(backend, dy), N, OH, OW, Co, padT, padL, frameRows, frameCols, padBuf);
    if (anyEmpty || phases.length === 0) f32View(rt.memory, dxa, N * H * W * Ci).fill(0);

    for (const p of phases) {
      // Rows of C: the dx pixels of one row of this phase (sw·Ci floats
      // apart), repeated for the phase's rows (sh dx rows apart) and images.
      const groups: RowGroup[] = [
        {
          a: frame.addr + ((p.q0 + padT) * frame.cols + p.w0 + padL) * Co * 4,
          rowStride: Co * 4,
          rows: p.nw,
          c: dxa + ((p.q0 * sh + p.ry - top) * W + p.w0 * sw + p.rx - left) * Ci * 4,
          cRowStride: sw * Ci * 4,
          r1: { count: p.nq, aStride: frame.cols * Co * 4, cStride: sh * W * Ci * 4 },
          r2: { count: N, aStride: frame.rows * frame.cols * Co * 4, cStride: H * W * Ci * 4 },
        },
      ];
      runGemm(rt.gemm, rt.memory, bp, groups, planFor(p, fa), Ci, false);
    }
  } finally {
    scratch.free();
  }
  return out;
}

function conv2dBackpropInputKernel(args: KernelArgs): TensorInfo {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const a = args.attrs as unknown as {
    strides: number | [number, number];
    pad: 'same' | 'valid' | number | backend_util.ExplicitPadding;
    dataFormat?: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    inputShape: [number, number, number, number];
  };
  if (a.dataFormat === 'NCHW') return callStock('Conv2DBackpropInput', args);
  const info = backend_util.computeConv2DInfo(
    a.inputShape,
    filter.shape as [number, number, number, number],
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
    false,
    'channelsLast',
  );
  return conv2dBackpropInputNHWC(asWasm(args.backend), dy, filter, info);
}

export const conv2dBackpropInputConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInputKernel as unknown as KernelConfig['kernelFunc'],
};
