/**
 * The JavaScript side of the GEMM: how kernels describe a product to the
 * wasm tile functions of gemmModule.ts, and the cache blocking.
 *
 * A product is: groups of C rows (each group's A rows and C rows are evenly
 * spaced — e.g. one output row of a convolution), and a K dimension cut into
 * chunks. For each chunk, B is packed once into scratch and every row group
 * is multiplied by it; later chunks accumulate into C. Chunks keep the packed
 * B small enough to stay in the L2 cache (2 MB per core here) while all row
 * tiles stream past it, and N is further split into blocks of panels when a
 * chunk is still too wide (dense layers with thousands of outputs).
 */
import { GemmExports, NR } from './gemmModule';
import type { WasmMemory } from './webassemblyApi';

/**
 * The strided A operand of a tile call: address of element (r, k) is
 * a + r·rowStride + k2·S2 + k1·S1 + k0·S0 with k = (k2·L1 + k1)·L0 + k0.
 * All in bytes. L0·L1·L2 must equal the K of the packed B.
 */
export interface AWalk {
  l2: number;
  s2: number;
  l1: number;
  s1: number;
  l0: number;
  s0: number;
}

/** A plain K-long walk with one stride (row-major A: 4; transposed A: row length·4). */
export function flatWalk(K: number, kStride: number): AWalk {
  return { l2: 1, s2: 0, l1: 1, s1: 0, l0: K, s0: kStride };
}

/**
 * The same walk with adjacent levels merged where they are contiguous
 * (S1 = L0·S0, …), so that the innermost loop is as long as possible — e.g. a
 * convolution over a 1-channel image walks (i, j, c) with L0 = 1, which
 * merges into (i, j·c) with L0 = kw.
 */
export function mergeWalk(w: AWalk): AWalk {
  let { l2, s2, l1, s1, l0, s0 } = w;
  if (l1 === 1 || s1 === l0 * s0) {
    l0 *= l1;
    l1 = l2;
    s1 = s2;
    l2 = 1;
    s2 = 0;
  }
  if (l1 === 1 || s1 === l0 * s0) {
    l0 *= l1;
    l1 = l2;
    s1 = s2;
    l2 = 1;
    s2 = 0;
  }
  return { l2, s2, l1, s1, l0, s0 };
}

export function walkLength(w: AWalk): number {
  return w.l2 * w.l1 * w.l0;
}

/** Byte size of a packed B for K rows and N columns. */
export function packedBytes(K: number, N: number): number {
  return Math.ceil(N / NR) * K * NR * 4;
}

/** Packs B read through `walk` (element (k, n) at b + walk(k) + n·nStride) into `out`. */
export function packB(g: GemmExports, b: number, walk: AWalk, nStride: number, N: number, out: number): void {
  g.packB(b, walk.l2, walk.s2, walk.l1, walk.s1, walk.l0, walk.s0, nStride, N, out);
}

/** A repetition of a row group: `count` copies, A and C moved by the strides (bytes). */
export interface Repeat {
  count: number;
  aStride: number;
  cStride: number;
}

/**
 * `rows` rows of C: A row r at a + r·rowStride, C row r at c + r·cRowStride;
 * optionally repeated (r1), and that repeated again (r2) — e.g. the columns,
 * rows and images of a convolution's output. One wasm call runs it all.
 */
export interface RowGroup {
  a: number;
  rowStride: number;
  rows: number;
  c: number;
  cRowStride: number;
  r1?: Repeat;
  r2?: Repeat;
}

const ONCE: Repeat = { count: 1, aStride: 0, cStride: 0 };

/**
 * One piece of K. A is read at (group's a) + aOffset through `walk`; B's
 * element (k, n) is at b + bWalk(k) + n·bnStride, where bWalk visits the
 * same K elements in the same order (its strides are B's own).
 */
export interface KChunk {
  aOffset: number;
  walk: AWalk;
  b: number;
  bWalk: AWalk;
  bnStride: number;
}

/** Packed B stays under this many bytes per N block (fits L2 with room for A and C). */
const B_BLOCK_BYTES = 256 * 1024;

/** Computes one row group over columns [0, N) against one packed B (panels from bp). */
function gemmRows(
  g: GemmExports,
  group: RowGroup,
  aOffset: number,
  walk: AWalk,
  bp: number,
  N: number,
  cOffset: number,
  accumulate: boolean,
): void {
  const nFull = Math.floor(N / NR);
  const tail = N - nFull * NR;
  const r1 = group.r1 ?? ONCE;
  const r2 = group.r2 ?? ONCE;
  g.tileGrid(
    group.a + aOffset,
    group.rowStride,
    group.rows,
    r1.aStride,
    r1.cStride,
    r1.count,
    r2.aStride,
    r2.cStride,
    r2.count,
    walk.l2,
    walk.s2,
    walk.l1,
    walk.s1,
    walk.l0,
    walk.s0,
    bp,
    group.c + cOffset,
    group.cRowStride,
    nFull,
    tail,
    accumulate ? 1 : 0,
  );
}

/** Copies column n of B, in walk order, to a contiguous f32 vector at `out`. */
function packColumn(memory: WasmMemory, chunk: KChunk, n: number, out: number): void {
  const buffer = memory.buffer as ArrayBuffer;
  const w = chunk.bWalk;
  const v = new Float32Array(buffer, out, w.l2 * w.l1 * w.l0);
  const all = new Float32Array(buffer);
  let i = 0;
  const base = chunk.b + n * chunk.bnStride;
  for (let k2 = 0; k2 < w.l2; k2++) {
    for (let k1 = 0; k1 < w.l1; k1++) {
      let addr = base + k2 * w.s2 + k1 * w.s1;
      for (let k0 = 0; k0 < w.l0; k0++, addr += w.s0) v[i++] = all[addr >>> 2];
    }
  }
}

/** With fewer columns than this, and contiguous A rows, use the matrix-vector kernel. */
const GEMV_MAX_COLUMNS = 3;

/** Bytes of scratch runGemm needs for these chunks and N columns. */
export function gemmScratchBytes(chunks: KChunk[], N: number): number {
  const K = maxChunkK(chunks);
  return useGemv(chunks, N) ? K * 4 + 16 : packedBytes(K, N);
}

function useGemv(chunks: KChunk[], N: number): boolean {
  return N <= GEMV_MAX_COLUMNS && chunks.every((c) => c.walk.s0 === 4);
}

/**
 * C (+)= A·B over all row groups and K chunks. `bp` must hold
 * gemmScratchBytes(chunks, N). With `accumulate` false the first chunk
 * overwrites C.
 */
export function runGemm(
  g: GemmExports,
  memory: WasmMemory,
  bp: number,
  groups: RowGroup[],
  chunks: KChunk[],
  N: number,
  accumulate: boolean,
): void {
  const gemv = useGemv(chunks, N);
  chunks.forEach((chunk, ci) => {
    const K = walkLength(chunk.walk);
    if (K === 0) return;
    const acc = accumulate || ci > 0;
    const w = mergeWalk(chunk.walk);
    if (gemv) {
      for (let n = 0; n < N; n++) {
        packColumn(memory, chunk, n, bp);
        for (const group of groups) {
          const r1 = group.r1 ?? ONCE;
          const r2 = group.r2 ?? ONCE;
          g.gemvGrid(
            group.a + chunk.aOffset,
            group.rowStride,
            group.rows,
            r1.aStride,
            r1.cStride,
            r1.count,
            r2.aStride,
            r2.cStride,
            r2.count,
            w.l2,
            w.s2,
            w.l1,
            w.s1,
            w.l0,
            bp,
            group.c + n * 4,
            group.cRowStride,
            acc ? 1 : 0,
          );
        }
      }
      return;
    }
    packB(g, chunk.b, chunk.bWalk, chunk.bnStride, N, bp);
    const panelsPerBlock = Math.max(1, Math.floor(B_BLOCK_BYTES / (K * NR * 4)));
    const colsPerBlock = panelsPerBlock * NR;
    for (let n0 = 0; n0 < N; n0 += colsPerBlock) {
      const nb = Math.min(colsPerBlock, N - n0);
      const bBlock = bp + (n0 / NR) * K * NR * 4;
      for (const group of groups) gemmRows(g, group, chunk.aOffset, w, bBlock, nb, n0 * 4, acc);
    }
  });
}

/** Largest K over the chunks. */
export function maxChunkK(chunks: KChunk[]): number {
  return chunks.reduce((m, c) => Math.max(m, walkLength(c.walk)), 0);
}

/** Target size of one chunk's packed B, in bytes (per full width N). */
const CHUNK_BYTES = 512 * 1024;

/**
 * Splits K along the outermost level (l2) of both walks into chunks of whole
 * l2 steps whose packed B is about CHUNK_BYTES, and of at most `maxK` (when
 * A's footprint, not B's, is what must stay in cache).
 */
export function chunksAlongL2(
  aWalk: AWalk,
  b: number,
  bWalk: AWalk,
  bnStride: number,
  N: number,
  maxK = Infinity,
): KChunk[] {
  const perStepK = aWalk.l1 * aWalk.l0;
  const perStep = perStepK * Math.ceil(N / NR) * NR * 4;
  const steps = Math.max(1, Math.min(Math.floor(CHUNK_BYTES / Math.max(1, perStep)), Math.floor(maxK / Math.max(1, perStepK))));
  const chunks: KChunk[] = [];
  for (let k2 = 0; k2 < aWalk.l2; k2 += steps) {
    const count = Math.min(steps, aWalk.l2 - k2);
    chunks.push({
      aOffset: k2 * aWalk.s2,
      walk: { ...aWalk, l2: count },
      b: b + k2 * bWalk.s2,
      bWalk: { ...bWalk, l2: count },
      bnStride,
    });
  }
  return chunks;
}

/** Splits a flat K (A stride aStride, B stride bkStride) into chunks of about CHUNK_BYTES of packed B. */
export function chunksFlat(K: number, aStride: number, b: number, bkStride: number, bnStride: number, N: number): KChunk[] {
  const perK = Math.ceil(N / NR) * NR * 4;
  const step = Math.max(64, Math.floor(CHUNK_BYTES / Math.max(1, perK)));
  const chunks: KChunk[] = [];
  for (let k0 = 0; k0 < K; k0 += step) {
    const count = Math.min(step, K - k0);
    chunks.push({
      aOffset: k0 * aStride,
      walk: flatWalk(count, aStride),
      b: b + k0 * bkStride,
      bWalk: flatWalk(count, bkStride),
      bnStride,
    });
  }
  return chunks;
}
