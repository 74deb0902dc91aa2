/**
 * Small helpers shared by the kernels in this folder: the kernel-function
 * signature, access to tfjs's own wasm kernels (for the cases we leave to
 * them), zero-padded copies of NHWC tensors and bias broadcast.
 */
import type { KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import { f32View, WasmBackendLike } from '../simd/runtime';
import type { WasmMemory } from '../simd/webassemblyApi';

export interface KernelArgs {
  inputs: NamedTensorInfoMap;
  backend: unknown;
  attrs?: NamedAttrMap;
}

/**
 * tfjs-backend-wasm's kernel functions, saved before we register ours under
 * the same name, so that a kernel can hand an unusual case (NCHW data, a
 * fused activation other than linear…) back to the stock implementation.
 */
const stock = new Map<string, KernelFunc>();

export function rememberStockKernel(name: string, fn: KernelFunc): void {
  if (!stock.has(name)) stock.set(name, fn);
}

export function callStock(name: string, args: KernelArgs): TensorInfo {
  const fn = stock.get(name);
  if (!fn) throw new Error(`gan-studio wasm kernels: no stock '${name}' kernel to fall back to`);
  return fn(args as Parameters<KernelFunc>[0]) as TensorInfo;
}

export function asWasm(backend: unknown): WasmBackendLike {
  return backend as WasmBackendLike;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Where a kernel reads an NHWC tensor after zero padding: image n, row y,
 * column x, channel c of the padded frame is at
 * addr + (((n·rows + y)·cols + x)·channels + c)·4.
 */
export interface Frame {
  addr: number;
  rows: number;
  cols: number;
}

/**
 * Decides whether an NHWC tensor [N, H, W, C] must be copied into a zero-padded
 * frame of `rows`×`cols` whose pixel (top, left) is the tensor's pixel (0, 0).
 * Returns the number of bytes to allocate for the copy (0 when the tensor can
 * be read in place: no padding before it and it covers the frame).
 */
export function paddedBytes(
  N: number,
  H: number,
  W: number,
  C: number,
  top: number,
  left: number,
  rows: number,
  cols: number,
): number {
  if (top === 0 && left === 0 && rows <= H && cols <= W) return 0;
  return N * rows * cols * C * 4;
}

/**
 * Copies x into `dst` (allocated with paddedBytes) or, when no copy is needed,
 * returns x's own frame. Call only after all allocations of the kernel.
 */
export function padInto(
  memory: WasmMemory,
  x: number,
  N: number,
  H: number,
  W: number,
  C: number,
  top: number,
  left: number,
  rows: number,
  cols: number,
  dst: number,
): Frame {
  if (dst === 0) return { addr: x, rows: H, cols: W };
  const out = f32View(memory, dst, N * rows * cols * C);
  const src = f32View(memory, x, N * H * W * C);
  out.fill(0);
  // Source columns that land inside the frame.
  const x0 = Math.max(0, -left);
  const x1 = Math.min(W, cols - left);
  if (x1 <= x0) return { addr: dst, rows, cols };
  const run = (x1 - x0) * C;
  for (let n = 0; n < N; n++) {
    for (let y = 0; y < H; y++) {
      const py = y + top;
      if (py < 0 || py >= rows) continue;
      const s = ((n * H + y) * W + x0) * C;
      const d = ((n * rows + py) * cols + x0 + left) * C;
      out.set(src.subarray(s, s + run), d);
    }
  }
  return { addr: dst, rows, cols };
}

/**
 * Fills `rows` rows of `n` floats at `dst` with the bias vector (length n, or
 * 1 for a scalar bias), so that a GEMM can then accumulate onto it.
 */
export function fillRows(memory: WasmMemory, dst: number, rows: number, n: number, bias: Float32Array): void {
  const out = f32View(memory, dst, rows * n);
  if (bias.length === 1) {
    out.fill(bias[0]);
    return;
  }
  out.set(bias, 0);
  // Double the filled prefix until the whole output is covered (memcpy speed).
  let filled = n;
  const total = rows * n;
  while (filled < total) {
    const len = Math.min(filled, total - filled);
    out.copyWithin(filled, 0, len);
    filled += len;
  }
}
