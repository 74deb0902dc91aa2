/**
 * The one compute routine behind every convolution and matrix-multiply kernel
 * this folder supplies: a register-blocked SIMD GEMM whose "A" operand is read
 * through a strided three-level loop instead of a packed matrix.
 *
 *     C[r][j]  (+)=  Σ_k  A(r, k) · Bp[k][j]      r < MR, j < nCols
 *     A(r, k) = mem[a + r·rowStride + k2·S2 + k1·S1 + k0·S0]   (bytes, f32)
 *     k = (k2·L1 + k1)·L0 + k0
 *
 * Why this shape: with the three strides, the same loop walks
 *  - a row-major matrix (L2 = L1 = 1, S0 = 4),
 *  - a transposed matrix (S0 = row length in bytes, rowStride = 4),
 *  - the receptive field of a convolution output pixel in an NHWC tensor
 *    (k2 = filter row, k1 = filter column, k0 = input channel): an "implicit
 *    im2col" that never materialises the patch matrix,
 *  - all output pixels of a batch for one filter tap (the filter gradient).
 * B is packed once per chunk of K into panels of NR = 8 columns (k-major
 * inside a panel), so the inner loop reads it sequentially (simd/gemm.ts
 * decides the chunks).
 *
 * The micro-kernel keeps an MR×8 block of C in 2·MR SIMD registers (MR ≤ 4:
 * V8 gives wasm 15 usable xmm registers on x64; 4×8 uses 8 accumulators, 2 for
 * B, 1 for the broadcast A value). V8 compiles its inner loop to 2 vector
 * loads, 4 vbroadcastss and 8 vfmadd231ps — the FMA ports are the limit.
 * Measured on the 2-core Xeon build machine: ~40 GFLOP/s per core with
 * relaxed-SIMD FMA when everything is in L1, 33-36 on DCGAN convolutions,
 * ~22 without FMA; XNNPACK's Conv2D in tfjs-backend-wasm reaches 16-20.
 *
 * Also here: `gemv<m>`, the one-column case (matrix × vector), and the grid
 * drivers `tileGrid` / `gemvGrid` that run many row groups per JS→wasm call.
 */
import { F32, FunctionBuilder, I32, ModuleBuilder, V128 } from './assembler';

/** Rows of C per micro-kernel call, at most. */
export const MR = 4;
/** Columns of C per packed B panel (two f32x4 vectors). */
export const NR = 8;
const NRV = NR / 4;

/** Parameter order of every exported `tile<m>` function. */
const P = {
  a: 0,
  rowStride: 1,
  l2: 2,
  s2: 3,
  l1: 4,
  s1: 5,
  l0: 6,
  s0: 7,
  bp: 8,
  c: 9,
  cRowStride: 10,
  /** number of full 8-column panels */
  nFull: 11,
  /** columns in the last, partial panel (0..7) */
  tailCols: 12,
  /** 1: add to C; 0: overwrite C */
  accumulate: 13,
} as const;
const PARAM_COUNT = 14;

/**
 * Emits `tile<m>`: C rows 0..m-1 for all panels. Column panels are the outer
 * loop inside wasm so that one JS→wasm call does a whole strip of C.
 */
function emitTile(f: FunctionBuilder, m: number): void {
  const acc: number[][] = [];
  for (let r = 0; r < m; r++) {
    acc.push([]);
    for (let v = 0; v < NRV; v++) acc[r].push(f.local(V128));
  }
  const b: number[] = [];
  for (let v = 0; v < NRV; v++) b.push(f.local(V128));
  const s = f.local(V128);
  const p: number[] = [];
  for (let r = 0; r < m; r++) p.push(f.local(I32));
  const pb = f.local(I32);
  const k2 = f.local(I32);
  const k1 = f.local(I32);
  const k0 = f.local(I32);
  const j1 = f.local(I32); // S1 - L0·S0: step from the end of one k0 run to the next
  const j2 = f.local(I32); // S2 - L1·S1
  const panel = f.local(I32);
  const cTile = f.local(I32);

  f.get(P.s1).get(P.l0).get(P.s0).i32Mul().i32Sub().set(j1);
  f.get(P.s2).get(P.l1).get(P.s1).i32Mul().i32Sub().set(j2);
  f.get(P.bp).set(pb);
  f.get(P.c).set(cTile);
  f.i32(0).set(panel);

  /** The k loops for one panel; leaves the result in the accumulators. */
  const kLoops = (): void => {
    for (let r = 0; r < m; r++) for (let v = 0; v < NRV; v++) f.v128Zero().set(acc[r][v]);
    for (let r = 0; r < m; r++) {
      f.get(P.a);
      if (r > 0) f.get(P.rowStride).i32(r).i32Mul().i32Add();
      f.set(p[r]);
    }
    f.get(P.l2).set(k2);
    f.loop(() => {
      f.get(P.l1).set(k1);
      f.loop(() => {
        f.get(P.l0).set(k0);
        f.loop(() => {
          for (let v = 0; v < NRV; v++) f.get(pb).v128Load(v * 16).set(b[v]);
          for (let r = 0; r < m; r++) {
            f.get(p[r]).v128Load32Splat().set(s);
            for (let v = 0; v < NRV; v++) {
              f.fma(() => f.get(s), () => f.get(b[v]), () => f.get(acc[r][v])).set(acc[r][v]);
            }
          }
          for (let r = 0; r < m; r++) f.inc(p[r], () => f.get(P.s0));
          f.inc(pb, NR * 4);
          f.get(k0).i32(1).i32Sub().tee(k0).brIf(0);
        });
        for (let r = 0; r < m; r++) f.inc(p[r], () => f.get(j1));
        f.get(k1).i32(1).i32Sub().tee(k1).brIf(0);
      });
      for (let r = 0; r < m; r++) f.inc(p[r], () => f.get(j2));
      f.get(k2).i32(1).i32Sub().tee(k2).brIf(0);
    });
    // With `accumulate`, fold in what C already holds.
    f.get(P.accumulate).ifElse(() => {
      for (let r = 0; r < m; r++) {
        for (let v = 0; v < NRV; v++) {
          f.get(acc[r][v]);
          f.get(cTile);
          if (r > 0) f.get(P.cRowStride).i32(r).i32Mul().i32Add();
          f.v128Load(v * 16).f32x4Add().set(acc[r][v]);
        }
      }
    });
  };

  const rowAddress = (r: number): void => {
    f.get(cTile);
    if (r > 0) f.get(P.cRowStride).i32(r).i32Mul().i32Add();
  };

  // Full panels.
  f.block(() => {
    f.get(P.nFull).i32Eqz().brIf(0);
    f.loop(() => {
      kLoops();
      for (let r = 0; r < m; r++) {
        for (let v = 0; v < NRV; v++) {
          rowAddress(r);
          f.get(acc[r][v]).v128Store(v * 16);
        }
      }
      // The k loops advanced pb by exactly one panel.
      f.inc(cTile, NR * 4);
      f.inc(panel, 1).get(panel).get(P.nFull).i32LtS().brIf(0);
    });
  });

  // Partial last panel: same arithmetic, then store lane by lane.
  f.get(P.tailCols).ifElse(() => {
    kLoops();
    for (let r = 0; r < m; r++) {
      for (let v = 0; v < NRV; v++) {
        for (let lane = 0; lane < 4; lane++) {
          f.i32(v * 4 + lane).get(P.tailCols).i32LtS().ifElse(() => {
            rowAddress(r);
            f.get(acc[r][v]).v128Store32Lane(lane, v * 16 + lane * 4);
          });
        }
      }
    }
  });
}

/**
 * Packs B into panels of 8 columns: out[panel][k][0..7], zero past column N.
 * Element (k, n) of B is at b + k2·S2 + k1·S1 + k0·S0 + n·nStride (bytes), with
 * k = (k2·L1 + k1)·L0 + k0 — the same three-level walk as A, so that a filter
 * can be packed straight from its [kh, kw, in, out] layout, flipped or
 * transposed, without an intermediate copy.
 * Params: b, l2, s2, l1, s1, l0, s0, nStride, N, out.
 */
function emitPack(f: FunctionBuilder): void {
  const [b, l2, s2, l1, s1, l0, s0, nStride, N, out] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const n0 = f.local(I32);
  const k2 = f.local(I32);
  const k1 = f.local(I32);
  const k0 = f.local(I32);
  const src = f.local(I32);
  const dst = f.local(I32);
  const j = f.local(I32);
  const fast = f.local(I32);
  f.get(out).set(dst);
  f.i32(0).set(n0);
  f.block(() => {
    f.get(N).i32(0).i32LeS().brIf(0);
    f.loop(() => {
      // A whole panel of contiguous columns is two vector copies per k.
      f.get(nStride).i32(4).i32Eq().get(n0).i32(NR).i32Add().get(N).i32LeS().i32And().set(fast);
      f.i32(0).set(k2);
      f.loop(() => {
        f.i32(0).set(k1);
        f.loop(() => {
          f.i32(0).set(k0);
          f.loop(() => {
            f.get(b).get(k2).get(s2).i32Mul().i32Add();
            f.get(k1).get(s1).i32Mul().i32Add();
            f.get(k0).get(s0).i32Mul().i32Add();
            f.get(n0).get(nStride).i32Mul().i32Add().set(src);
            f.get(fast).ifElse(
              () => {
                f.get(dst).get(src).v128Load(0).v128Store(0);
                f.get(dst).get(src).v128Load(16).v128Store(16);
                f.inc(dst, NR * 4);
              },
              () => {
                f.i32(0).set(j);
                f.loop(() => {
                  f.get(dst);
                  f.get(n0).get(j).i32Add().get(N).i32LtS().ifElse(
                    () => f.get(src).f32Load(),
                    () => f.f32(0),
                    F32,
                  );
                  f.f32Store();
                  f.inc(dst, 4);
                  f.inc(src, () => f.get(nStride));
                  f.inc(j, 1).get(j).i32(NR).i32LtS().brIf(0);
                });
              },
            );
            f.inc(k0, 1).get(k0).get(l0).i32LtS().brIf(0);
          });
          f.inc(k1, 1).get(k1).get(l1).i32LtS().brIf(0);
        });
        f.inc(k2, 1).get(k2).get(l2).i32LtS().brIf(0);
      });
      f.inc(n0, NR).get(n0).get(N).i32LtS().brIf(0);
    });
  });
}

/**
 * Emits `gemv<m>`: m rows of a matrix-vector product, for products with one
 * column (a convolution with one output channel — a generator's last layer
 * for greyscale images, or the input gradient of a discriminator's first
 * layer). The tile kernels would compute 8 columns and throw 7 away; here the
 * innermost level of the A walk must be contiguous (S0 = 4 bytes) and is
 * read four floats at a time against the contiguous vector b.
 *   C[r] (+)= Σ_k A(r, k)·b[k]
 * Params: a, rowStride, l2, s2, l1, s1, l0, b, c, cRowStride, accumulate.
 */
function emitGemv(f: FunctionBuilder, m: number): void {
  const [a, rowStride, l2, s2, l1, s1, l0, b, c, cRowStride, accumulate] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const acc: number[] = [];
  const sacc: number[] = [];
  const p: number[] = [];
  for (let r = 0; r < m; r++) acc.push(f.local(V128));
  for (let r = 0; r < m; r++) sacc.push(f.local(F32));
  for (let r = 0; r < m; r++) p.push(f.local(I32));
  const vb = f.local(V128);
  const sb = f.local(F32);
  const pb = f.local(I32);
  const k2 = f.local(I32);
  const k1 = f.local(I32);
  const k0 = f.local(I32);
  const vecEnd = f.local(I32); // l0 rounded down to a multiple of 4
  const j1 = f.local(I32);
  const j2 = f.local(I32);
  f.get(l0).i32(-4).i32And().set(vecEnd);
  f.get(s1).get(l0).i32(4).i32Mul().i32Sub().set(j1);
  f.get(s2).get(l1).get(s1).i32Mul().i32Sub().set(j2);
  for (let r = 0; r < m; r++) {
    f.v128Zero().set(acc[r]);
    f.f32(0).set(sacc[r]);
    f.get(a);
    if (r > 0) f.get(rowStride).i32(r).i32Mul().i32Add();
    f.set(p[r]);
  }
  f.get(b).set(pb);
  f.get(l2).set(k2);
  f.loop(() => {
    f.get(l1).set(k1);
    f.loop(() => {
      f.i32(0).set(k0);
      f.block(() => {
        f.get(vecEnd).i32Eqz().brIf(0);
        f.loop(() => {
          f.get(pb).v128Load().set(vb);
          for (let r = 0; r < m; r++) {
            f.fma(() => f.get(p[r]).v128Load(), () => f.get(vb), () => f.get(acc[r])).set(acc[r]);
            f.inc(p[r], 16);
          }
          f.inc(pb, 16);
          f.inc(k0, 4).get(k0).get(vecEnd).i32LtS().brIf(0);
        });
      });
      f.block(() => {
        f.get(k0).get(l0).i32GeS().brIf(0);
        f.loop(() => {
          f.get(pb).f32Load().set(sb);
          for (let r = 0; r < m; r++) {
            f.get(sacc[r]).get(p[r]).f32Load().get(sb).f32Mul().f32Add().set(sacc[r]);
            f.inc(p[r], 4);
          }
          f.inc(pb, 4);
          f.inc(k0, 1).get(k0).get(l0).i32LtS().brIf(0);
        });
      });
      for (let r = 0; r < m; r++) f.inc(p[r], () => f.get(j1));
      f.get(k1).i32(1).i32Sub().tee(k1).brIf(0);
    });
    for (let r = 0; r < m; r++) f.inc(p[r], () => f.get(j2));
    f.get(k2).i32(1).i32Sub().tee(k2).brIf(0);
  });
  const tot = f.local(F32);
  const dst = f.local(I32);
  for (let r = 0; r < m; r++) {
    f.get(c);
    if (r > 0) f.get(cRowStride).i32(r).i32Mul().i32Add();
    f.set(dst);
    f.get(sacc[r]);
    for (let lane = 0; lane < 4; lane++) f.get(acc[r]).f32x4ExtractLane(lane).f32Add();
    f.set(tot);
    f.get(accumulate).ifElse(() => f.get(tot).get(dst).f32Load().f32Add().set(tot));
    f.get(dst).get(tot).f32Store();
  }
}

/**
 * Emits a driver that runs a whole grid of C rows in one call from
 * JavaScript: rows r0 < R0 (A rows `rowStride` apart, C rows `cRowStride`
 * apart) are cut into tiles of MR (the last one smaller); the grid repeats
 * R1 times (A += aS1, C += cS1 each time) and that R2 times (aS2, cS2) — e.g.
 * output columns × output rows × images of a convolution. Calling a tile
 * function per tile from JavaScript cost ~0.1 µs each, as much as the tile's
 * arithmetic for small channel counts.
 * Params: a, rowStride, R0, aS1, cS1, R1, aS2, cS2, R2, then the tile or gemv
 * function's own parameters after its first two (a, rowStride), with c and
 * cRowStride in their usual places.
 */
function emitDriver(f: FunctionBuilder, fns: number[], gemv: boolean): void {
  const [a, rowStride, R0, aS1, cS1, R1, aS2, cS2, R2] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  // The callee's parameters after (a, rowStride): tile has 12, gemv has 9.
  const rest = gemv ? 9 : 12;
  const first = 9; // index of the first forwarded parameter
  // Positions (within the forwarded list) of c and cRowStride.
  const cPos = gemv ? 8 - 2 : 9 - 2;
  const r0 = f.local(I32);
  const r1 = f.local(I32);
  const r2 = f.local(I32);
  const a1 = f.local(I32);
  const c1 = f.local(I32);
  const a2 = f.local(I32);
  const c2 = f.local(I32);
  const m = f.local(I32);
  f.get(a).set(a2);
  f.get(first + cPos).set(c2);
  f.i32(0).set(r2);
  f.block(() => {
    f.get(R0).i32Eqz().get(R1).i32Eqz().get(R2).i32Eqz().i32Add().i32Add().brIf(0);
    f.loop(() => {
      f.get(a2).set(a1);
      f.get(c2).set(c1);
      f.i32(0).set(r1);
      f.loop(() => {
        f.i32(0).set(r0);
        f.loop(() => {
          // m = min(MR, R0 - r0)
          f.get(R0).get(r0).i32Sub().set(m);
          const call = (mm: number): void => {
            f.get(a1).get(r0).get(rowStride).i32Mul().i32Add();
            f.get(rowStride);
            for (let i = 0; i < rest; i++) {
              if (i === cPos) f.get(c1).get(r0).get(first + cPos + 1).i32Mul().i32Add();
              else f.get(first + i);
            }
            f.call(fns[mm]);
          };
          f.get(m).i32(MR).i32GeS().ifElse(
            () => call(MR),
            () => {
              for (let mm = MR - 1; mm >= 2; mm--) {
                f.get(m).i32(mm).i32Eq().ifElse(() => call(mm));
              }
              f.get(m).i32(1).i32Eq().ifElse(() => call(1));
            },
          );
          f.inc(r0, MR).get(r0).get(R0).i32LtS().brIf(0);
        });
        f.inc(a1, () => f.get(aS1));
        f.inc(c1, () => f.get(cS1));
        f.inc(r1, 1).get(r1).get(R1).i32LtS().brIf(0);
      });
      f.inc(a2, () => f.get(aS2));
      f.inc(c2, () => f.get(cS2));
      f.inc(r2, 1).get(r2).get(R2).i32LtS().brIf(0);
    });
  });
}

/**
 * Adds the GEMM functions to a module: `tile1`..`tile4`, `gemv1`..`gemv4`,
 * `packB`, and the grid drivers `tiles` and `gemvs`.
 */
export function addGemmFunctions(mb: ModuleBuilder): void {
  const tileParams = new Array(PARAM_COUNT).fill(I32);
  const gemvParams = new Array(11).fill(I32);
  const tileFns: number[] = [];
  const gemvFns: number[] = [];
  for (let m = 1; m <= MR; m++) tileFns[m] = mb.fn(`tile${m}`, tileParams, [], (f) => emitTile(f, m));
  for (let m = 1; m <= MR; m++) gemvFns[m] = mb.fn(`gemv${m}`, gemvParams, [], (f) => emitGemv(f, m));
  mb.fn('packB', new Array(10).fill(I32), [], emitPack);
  mb.fn('tileGrid', new Array(9 + PARAM_COUNT - 2).fill(I32), [], (f) => emitDriver(f, tileFns, false));
  mb.fn('gemvGrid', new Array(9 + 11 - 2).fill(I32), [], (f) => emitDriver(f, gemvFns, true));
}

/** Typed view of the instantiated module's exports. */
export interface GemmExports {
  /** See the module comment; `tiles[m]` computes m rows (m = 1..MR). */
  tiles: Array<(...args: number[]) => void>;
  /** Matrix-vector variants (see emitGemv); `gemvs[m]` computes m rows. */
  gemvs: Array<(...args: number[]) => void>;
  /** Grid drivers (see emitDriver). */
  tileGrid(...args: number[]): void;
  gemvGrid(...args: number[]): void;
  packB(
    b: number,
    l2: number,
    s2: number,
    l1: number,
    s1: number,
    l0: number,
    s0: number,
    nStride: number,
    N: number,
    out: number,
  ): void;
}
