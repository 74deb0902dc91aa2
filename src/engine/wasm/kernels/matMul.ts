/**
 * BatchMatMul and _FusedMatMul (dense layers) on our SIMD GEMM.
 *
 * Why: the stock wasm kernel is XNNPACK only when neither operand is
 * transposed; with a transposed operand it is a scalar loop (1-2 GFLOP/s
 * measured), and the gradient of every dense layer multiplies by a transposed
 * operand (dA = dY·Bᵀ, dB = Aᵀ·dY).
 *
 * How: A is read through the strided walk (a transposed A is just a different
 * pair of strides), B is packed from either layout, C is written row-major.
 */
import { broadcast_util, KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { chunksFlat, gemmScratchBytes, runGemm } from '../simd/gemm';
import { addressOf, f32View, Scratch, simdRuntime, WasmBackendLike } from '../simd/runtime';
import { asWasm, callStock, fillRows, KernelArgs, sizeOf } from './common';

interface MatMulShape {
  batchA: number;
  batchB: number;
  batch: number;
  M: number;
  K: number;
  N: number;
  outShape: number[];
}

function shapeOf(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): MatMulShape | undefined {
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra < 2 || rb < 2) return undefined;
  const M = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const K = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const Kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const N = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (K !== Kb) return undefined; // let the stock kernel raise tfjs's own error
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const batchA = sizeOf(outerA);
  const batchB = sizeOf(outerB);
  // Only "same batch" and "one side not batched" are handled here.
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return undefined;
  const outer = broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  if (sizeOf(outer) !== Math.max(batchA, batchB)) return undefined;
  return { batchA, batchB, batch: Math.max(batchA, batchB), M, K, N, outShape: [...outer, M, N] };
}

/** C = op(A)·op(B) (+ bias row), written to a new tensor. */
export function matMul(
  backend: WasmBackendLike,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  s: MatMulShape,
  bias?: TensorInfo,
): TensorInfo {
  const rt = simdRuntime(backend);
  const { M, K, N } = s;
  const out = backend.makeOutput(s.outShape, 'float32');
  if (s.batch * M * N === 0) return out;
  // element (k, n) of op(B): B[k][n] or, transposed, B[n][k]
  const bkStride = transposeB ? 4 : N * 4;
  const bnStride = transposeB ? K * 4 : 4;
  // element (m, k) of op(A): A[m][k] or, transposed, A[k][m]
  const rowStride = transposeA ? 4 : K * 4;
  const akStride = transposeA ? M * 4 : 4;
  const plan = (b: number) => chunksFlat(K, akStride, b, bkStride, bnStride, N);
  // When B is shared and A is not transposed, all batch entries are one tall A.
  const foldBatch = s.batchB === 1 && !transposeA;
  const scratch = new Scratch(backend);
  try {
    const bp = K > 0 ? scratch.alloc(gemmScratchBytes(plan(0), N)) : 0;
    // No allocation below this line.
    const aa = addressOf(backend, a);
    const ba = addressOf(backend, b);
    const ca = addressOf(backend, out);
    const biasData = bias ? f32View(rt.memory, addressOf(backend, bias), sizeOf(bias.shape)) : undefined;
    if (biasData) fillRows(rt.memory, ca, s.batch * M, N, biasData);
    else if (K === 0) f32View(rt.memory, ca, s.batch * M * N).fill(0);
    if (K === 0) return out;
    const accumulate = biasData !== undefined;
    if (foldBatch) {
      runGemm(rt.gemm, rt.memory, bp, [{ a: aa, rowStride, rows: s.batch * M, c: ca, cRowStride: N * 4 }], plan(ba), N, accumulate);
    } else {
      for (let i = 0; i < s.batch; i++) {
        const ai = aa + (s.batchA > 1 ? i : 0) * M * K * 4;
        const bi = ba + (s.batchB > 1 ? i : 0) * K * N * 4;
        const c = ca + i * M * N * 4;
        runGemm(rt.gemm, rt.memory, bp, [{ a: ai, rowStride, rows: M, c, cRowStride: N * 4 }], plan(bi), N, accumulate);
      }
    }
  } finally {
    scratch.free();
  }
  return out;
}

interface MatMulAttrs {
  transposeA?: boolean;
  transposeB?: boolean;
  activation?: string;
}

function batchMatMulKernel(args: KernelArgs): TensorInfo {
  const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA = false, transposeB = false } = (args.attrs ?? {}) as MatMulAttrs;
  const s = shapeOf(a, b, transposeA, transposeB);
  if (!s || a.dtype !== 'float32' || b.dtype !== 'float32') return callStock('BatchMatMul', args);
  return matMul(asWasm(args.backend), a, b, transposeA, transposeB, s);
}

function fusedMatMulKernel(args: KernelArgs): TensorInfo {
  const { a, b, bias, preluActivationWeights } = args.inputs as {
    a: TensorInfo;
    b: TensorInfo;
    bias?: TensorInfo;
    preluActivationWeights?: TensorInfo;
  };
  const { transposeA = false, transposeB = false, activation = 'linear' } = (args.attrs ?? {}) as MatMulAttrs;
  const s = shapeOf(a, b, transposeA, transposeB);
  const biasOk = !bias || bias.shape.length === 0 || (bias.shape.length === 1 && (bias.shape[0] === s?.N || bias.shape[0] === 1));
  if (!s || activation !== 'linear' || preluActivationWeights || !biasOk) {
    return callStock('_FusedMatMul', args);
  }
  return matMul(asWasm(args.backend), a, b, transposeA, transposeB, s, bias);
}

export const batchMatMulConfig: KernelConfig = {
  kernelName: 'BatchMatMul',
  backendName: 'wasm',
  kernelFunc: batchMatMulKernel as unknown as KernelConfig['kernelFunc'],
};

export const fusedMatMulConfig: KernelConfig = {
  kernelName: '_FusedMatMul',
  backendName: 'wasm',
  kernelFunc: fusedMatMulKernel as unknown as KernelConfig['kernelFunc'],
};
