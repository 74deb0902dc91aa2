/**
 * SIMD element-wise and reduction loops for the kernels whose stock wasm
 * versions are scalar or go through a transpose. Measured on a
 * [64, 14, 14, 64] tensor (800K floats) on the 2-core build machine, stock:
 * LeakyRelu 6-10 ms, Greater 3.5 ms, Select 7-10 ms, Sum over [0, 1, 2]
 * 5-11 ms (it transposes first), FusedBatchNorm 3.9 ms, Sqrt 1.5-3 ms; a
 * memory-bound loop over that tensor takes ~0.3 ms. After the convolutions
 * were made fast these were half of a GAN training step.
 *
 * Every function takes byte addresses in the tfjs heap and element counts.
 * The bodies process 4 (or 16) floats per iteration with f32x4 and finish
 * the remainder with scalar code, so any length works.
 */
import { F32, FunctionBuilder, I32, ModuleBuilder, V128 } from './assembler';

/**
 * for (off = 0; off + 16·step ≤ n·4; off += 16·step) vec(off)
 * then for (; off < n·4; off += 4) scalar(off)
 * `step` = vectors per iteration. `off` is a byte offset local.
 */
function loop(
  f: FunctionBuilder,
  n: number,
  step: number,
  vec: (off: number) => void,
  scalar: (off: number) => void,
): void {
  const off = f.local(I32);
  const end = f.local(I32);
  const vecEnd = f.local(I32);
  f.get(n).i32(4).i32Mul().set(end);
  // vecEnd = end rounded down to a multiple of 16·step bytes
  f.get(n).i32(4 * step).i32DivS().i32(16 * step).i32Mul().set(vecEnd);
  f.i32(0).set(off);
  f.block(() => {
    f.get(off).get(vecEnd).i32GeS().brIf(0);
    f.loop(() => {
      vec(off);
      f.inc(off, 16 * step);
      f.get(off).get(vecEnd).i32LtS().brIf(0);
    });
  });
  f.block(() => {
    f.get(off).get(end).i32GeS().brIf(0);
    f.loop(() => {
      scalar(off);
      f.inc(off, 4);
      f.get(off).get(end).i32LtS().brIf(0);
    });
  });
}

/** out = x > 0 ? x : alpha·x.  Params: x, out, n, alpha(f32). */
function emitLeakyRelu(f: FunctionBuilder): void {
  const [x, out, n, alpha] = [0, 1, 2, 3];
  const va = f.local(V128);
  const v = f.local(V128);
  const s = f.local(F32);
  f.get(alpha).f32x4Splat().set(va);
  loop(
    f,
    n,
    1,
    (off) => {
      f.get(x).get(off).i32Add().v128Load().set(v);
      f.get(out).get(off).i32Add();
      f.get(v);
      f.get(v).get(va).f32x4Mul();
      f.get(v).v128Zero().f32x4Gt();
      f.v128Bitselect().v128Store();
    },
    (off) => {
      f.get(x).get(off).i32Add().f32Load().set(s);
      f.get(out).get(off).i32Add();
      f.get(s);
      f.get(s).get(alpha).f32Mul();
      f.get(s).f32(0).f32Gt();
      f.select().f32Store();
    },
  );
}

/**
 * out[o·inner + i] = Σ_m x[(o·mid + m)·inner + i] — a sum over a contiguous
 * block of axes, the shape of every reduction in a conv net (bias gradient,
 * batch-norm statistics: [N·H·W, C] → [C]; instance norm: [N, H·W, C] → [N, C];
 * per-image sums: [N, H·W·C] → [N] with inner = 1).
 * Params: x, out, outer, mid, inner.
 */
function emitBlockSum(f: FunctionBuilder): void {
  const [x, out, outer, mid, inner] = [0, 1, 2, 3, 4];
  const o = f.local(I32);
  const i = f.local(I32);
  const m = f.local(I32);
  const p = f.local(I32);
  const rowBytes = f.local(I32);
  const acc = [f.local(V128), f.local(V128), f.local(V128), f.local(V128)];
  const sacc = f.local(F32);
  const dst = f.local(I32);
  f.get(inner).i32(4).i32Mul().set(rowBytes);
  f.i32(0).set(o);
  f.block(() => {
    f.get(outer).i32Eqz().brIf(0);
    f.loop(() => {
      f.i32(0).set(i);
      // Blocks of 16 floats (one cache line per row), then of 4, then single.
      for (const width of [16, 4, 1]) {
        f.block(() => {
          f.loop(() => {
            f.get(i).i32(width).i32Add().get(inner).i32GtS().brIf(1);
            const vecs = width / 4;
            if (width >= 4) for (let k = 0; k < vecs; k++) f.v128Zero().set(acc[k]);
            else f.f32(0).set(sacc);
            // p = x + ((o·mid)·inner + i)·4
            f.get(x).get(o).get(mid).i32Mul().get(inner).i32Mul().get(i).i32Add().i32(4).i32Mul().i32Add().set(p);
            f.get(mid).set(m);
            f.block(() => {
              f.get(m).i32Eqz().brIf(0);
              f.loop(() => {
                if (width >= 4) {
                  for (let k = 0; k < vecs; k++) f.get(acc[k]).get(p).v128Load(16 * k).f32x4Add().set(acc[k]);
                } else {
                  f.get(sacc).get(p).f32Load().f32Add().set(sacc);
                }
                f.inc(p, () => f.get(rowBytes));
                f.get(m).i32(1).i32Sub().tee(m).brIf(0);
              });
            });
            f.get(out).get(o).get(inner).i32Mul().get(i).i32Add().i32(4).i32Mul().i32Add().set(dst);
            if (width >= 4) for (let k = 0; k < vecs; k++) f.get(dst).get(acc[k]).v128Store(16 * k);
            else f.get(dst).get(sacc).f32Store();
            f.inc(i, width);
            f.br(0);
          });
        });
      }
      f.inc(o, 1).get(o).get(outer).i32LtS().brIf(0);
    });
  });
}

/** out[o] = Σ of the n contiguous floats of row o. Params: x, out, rows, n. */
function emitRowSum(f: FunctionBuilder): void {
  const [x, out, rows, n] = [0, 1, 2, 3];
  const r = f.local(I32);
  const base = f.local(I32);
  const acc = f.local(V128);
  const sacc = f.local(F32);
  const rowN = f.local(I32);
  f.i32(0).set(r);
  f.block(() => {
    f.get(rows).i32Eqz().brIf(0);
    f.loop(() => {
      f.get(x).get(r).get(n).i32Mul().i32(4).i32Mul().i32Add().set(base);
      f.v128Zero().set(acc);
      f.f32(0).set(sacc);
      f.get(n).set(rowN);
      loop(
        f,
        rowN,
        1,
        (off) => f.get(acc).get(base).get(off).i32Add().v128Load().f32x4Add().set(acc),
        (off) => f.get(sacc).get(base).get(off).i32Add().f32Load().f32Add().set(sacc),
      );
      f.get(out).get(r).i32(4).i32Mul().i32Add();
      f.get(sacc);
      for (let lane = 0; lane < 4; lane++) f.get(acc).f32x4ExtractLane(lane).f32Add();
      f.f32Store();
      f.inc(r, 1).get(r).get(rows).i32LtS().brIf(0);
    });
  });
}

/**
 * out[r·C + c] = x[r·C + c]·a[c] + b[c] — batch norm's forward pass once its
 * per-channel scale a = γ/√(σ²+ε) and shift b = β − μ·a are known.
 * Params: x, a, b, out, rows, C.
 */
function emitAffineChannels(f: FunctionBuilder): void {
  const [x, a, b, out, rows, C] = [0, 1, 2, 3, 4, 5];
  const r = f.local(I32);
  const rowOff = f.local(I32);
  const rowC = f.local(I32);
  f.i32(0).set(r);
  f.get(C).set(rowC);
  f.block(() => {
    f.get(rows).i32Eqz().brIf(0);
    f.loop(() => {
      f.get(r).get(C).i32Mul().i32(4).i32Mul().set(rowOff);
      loop(
        f,
        rowC,
        1,
        (off) => {
          f.get(out).get(rowOff).i32Add().get(off).i32Add();
          f.fma(
            () => f.get(x).get(rowOff).i32Add().get(off).i32Add().v128Load(),
            () => f.get(a).get(off).i32Add().v128Load(),
            () => f.get(b).get(off).i32Add().v128Load(),
          );
          f.v128Store();
        },
        (off) => {
          f.get(out).get(rowOff).i32Add().get(off).i32Add();
          f.get(x).get(rowOff).i32Add().get(off).i32Add().f32Load();
          f.get(a).get(off).i32Add().f32Load().f32Mul();
          f.get(b).get(off).i32Add().f32Load().f32Add();
          f.f32Store();
        },
      );
      f.inc(r, 1).get(r).get(rows).i32LtS().brIf(0);
    });
  });
}

/** out = √x. Params: x, out, n. */
function emitSqrt(f: FunctionBuilder): void {
  const [x, out, n] = [0, 1, 2];
  loop(
    f,
    n,
    1,
    (off) => f.get(out).get(off).i32Add().get(x).get(off).i32Add().v128Load().f32x4Sqrt().v128Store(),
    (off) => f.get(out).get(off).i32Add().get(x).get(off).i32Add().f32Load().f32Sqrt().f32Store(),
  );
}

/**
 * out[i] = x[i] > y ? 1 : 0 as bytes (tfjs's bool). With `yIsScalar` = 1, y
 * is the f32 `yValue`; otherwise y is an array at `yPtr`. 16 floats per step:
 * four compares narrowed to 16 bytes.
 * Params: x, yPtr, yValue(f32), yIsScalar, out, n.
 */
function emitGreater(f: FunctionBuilder): void {
  const [x, yPtr, yValue, yIsScalar, out, n] = [0, 1, 2, 3, 4, 5];
  const vy = f.local(V128);
  const ones = f.local(V128);
  const byteOff = f.local(I32);
  f.get(yValue).f32x4Splat().set(vy);
  f.i32(0x01010101).i32x4Splat().set(ones);
  const yVec = (off: number, k: number): void => {
    f.get(yIsScalar).ifElse(
      () => f.get(vy),
      () => f.get(yPtr).get(off).i32Add().v128Load(16 * k),
      V128,
    );
  };
  loop(
    f,
    n,
    4,
    (off) => {
      // byte offset of the output = float offset / 4
      f.get(out).get(off).i32(2).i32ShrS().i32Add().set(byteOff);
      f.get(byteOff);
      for (let half = 0; half < 2; half++) {
        for (let k = 2 * half; k < 2 * half + 2; k++) {
          f.get(x).get(off).i32Add().v128Load(16 * k);
          yVec(off, k);
          f.f32x4Gt();
        }
        f.i16x8NarrowI32x4S();
      }
      f.i8x16NarrowI16x8S().get(ones).v128And().v128Store();
    },
    (off) => {
      f.get(out).get(off).i32(2).i32ShrS().i32Add();
      f.get(x).get(off).i32Add().f32Load();
      f.get(yIsScalar).ifElse(
        () => f.get(yValue),
        () => f.get(yPtr).get(off).i32Add().f32Load(),
        F32,
      );
      f.f32Gt().i32Store8();
    },
  );
}

/** out[i] = cond[i] ? a[i] : b[i], cond as bytes. Params: cond, a, b, out, n. */
function emitSelect(f: FunctionBuilder): void {
  const [cond, a, b, out, n] = [0, 1, 2, 3, 4];
  const c16 = f.local(V128);
  loop(
    f,
    n,
    2,
    (off) => {
      f.get(cond).get(off).i32(2).i32ShrS().i32Add().v128Load8x8U().set(c16);
      for (let k = 0; k < 2; k++) {
        f.get(out).get(off).i32Add();
        f.get(a).get(off).i32Add().v128Load(16 * k);
        f.get(b).get(off).i32Add().v128Load(16 * k);
        f.get(c16);
        if (k === 0) f.i32x4ExtendLowI16x8U();
        else f.i32x4ExtendHighI16x8U();
        f.v128Zero().i32x4Ne();
        f.v128Bitselect().v128Store(16 * k);
      }
    },
    (off) => {
      f.get(out).get(off).i32Add();
      f.get(a).get(off).i32Add().f32Load();
      f.get(b).get(off).i32Add().f32Load();
      f.get(cond).get(off).i32(2).i32ShrS().i32Add().i32Load8U();
      f.select().f32Store();
    },
  );
}

/**
 * dst[0..C) += w · src[0..C) (w = 1 when `w` is undefined), 4 floats at a time.
 * `src`, `dst`, `C` are locals/params holding byte addresses and a count.
 */
function addRow(f: FunctionBuilder, src: number, dst: number, C: number, w?: { vec: number; scalar: number }): void {
  loop(
    f,
    C,
    1,
    (off) => {
      f.get(dst).get(off).i32Add();
      if (w) {
        f.fma(
          () => f.get(src).get(off).i32Add().v128Load(),
          () => f.get(w.vec),
          () => f.get(dst).get(off).i32Add().v128Load(),
        );
      } else {
        f.get(dst).get(off).i32Add().v128Load().get(src).get(off).i32Add().v128Load().f32x4Add();
      }
      f.v128Store();
    },
    (off) => {
      f.get(dst).get(off).i32Add();
      f.get(dst).get(off).i32Add().f32Load();
      f.get(src).get(off).i32Add().f32Load();
      if (w) f.get(w.scalar).f32Mul();
      f.f32Add().f32Store();
    },
  );
}

/**
 * Nearest-neighbour resize gradient: for every dy pixel (n, y, x), add its C
 * channels to dx pixel (n, rowOf[y], colOf[x]). dx must be zeroed first.
 * Params: dy, dx, N, OH, OW, C, H, W, rowOf (i32[OH]), colOf (i32[OW]).
 */
function emitNearestGrad(f: FunctionBuilder): void {
  const [dy, dx, N, OH, OW, C, H, W, rowOf, colOf] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const n = f.local(I32);
  const y = f.local(I32);
  const x = f.local(I32);
  const src = f.local(I32);
  const dstRow = f.local(I32);
  const dst = f.local(I32);
  const pix = f.local(I32); // C·4 bytes
  f.get(C).i32(4).i32Mul().set(pix);
  f.get(dy).set(src);
  f.i32(0).set(n);
  f.block(() => {
    f.get(N).i32Eqz().get(OH).i32Eqz().get(OW).i32Eqz().i32Add().i32Add().brIf(0);
    f.loop(() => {
      f.i32(0).set(y);
      f.loop(() => {
        // dstRow = dx + ((n·H + rowOf[y])·W)·C·4
        f.get(dx).get(n).get(H).i32Mul().get(rowOf).get(y).i32(4).i32Mul().i32Add().i32Load().i32Add();
        f.get(W).i32Mul().get(pix).i32Mul().i32Add().set(dstRow);
        f.i32(0).set(x);
        f.loop(() => {
          f.get(dstRow).get(colOf).get(x).i32(4).i32Mul().i32Add().i32Load().get(pix).i32Mul().i32Add().set(dst);
          addRow(f, src, dst, C);
          f.inc(src, () => f.get(pix));
          f.inc(x, 1).get(x).get(OW).i32LtS().brIf(0);
        });
        f.inc(y, 1).get(y).get(OH).i32LtS().brIf(0);
      });
      f.inc(n, 1).get(n).get(N).i32LtS().brIf(0);
    });
  });
}

/**
 * Bilinear resize gradient: every dy pixel (n, y, x) adds its channels, times
 * the four bilinear weights of the forward pass, to the four source pixels
 * (rowLo/rowHi[y], colLo/colHi[x]); weights of `hi` are rowFrac[y], colFrac[x].
 * dx must be zeroed first.
 * Params: dy, dx, N, OH, OW, C, H, W, rowLo, rowHi, rowFrac, colLo, colHi, colFrac
 * (index tables i32, fractions f32).
 */
function emitBilinearGrad(f: FunctionBuilder): void {
  const [dy, dx, N, OH, OW, C, H, W, rowLo, rowHi, rowFrac, colLo, colHi, colFrac] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
  ];
  const n = f.local(I32);
  const y = f.local(I32);
  const x = f.local(I32);
  const src = f.local(I32);
  const top = f.local(I32);
  const bot = f.local(I32);
  const dst = f.local(I32);
  const pix = f.local(I32);
  const rf = f.local(F32);
  const cf = f.local(F32);
  const ws = f.local(F32);
  const wv = f.local(V128);
  f.get(C).i32(4).i32Mul().set(pix);
  f.get(dy).set(src);
  const rowBase = (table: number): void => {
    // dx + ((n·H + table[y])·W)·C·4
    f.get(dx).get(n).get(H).i32Mul().get(table).get(y).i32(4).i32Mul().i32Add().i32Load().i32Add();
    f.get(W).i32Mul().get(pix).i32Mul().i32Add();
  };
  const corner = (row: number, col: number, weight: () => void): void => {
    weight();
    f.tee(ws).f32x4Splat().set(wv);
    f.get(row).get(col).get(x).i32(4).i32Mul().i32Add().i32Load().get(pix).i32Mul().i32Add().set(dst);
    addRow(f, src, dst, C, { vec: wv, scalar: ws });
  };
  f.i32(0).set(n);
  f.block(() => {
    f.get(N).i32Eqz().get(OH).i32Eqz().get(OW).i32Eqz().i32Add().i32Add().brIf(0);
    f.loop(() => {
      f.i32(0).set(y);
      f.loop(() => {
        rowBase(rowLo);
        f.set(top);
        rowBase(rowHi);
        f.set(bot);
        f.get(rowFrac).get(y).i32(4).i32Mul().i32Add().f32Load().set(rf);
        f.i32(0).set(x);
        f.loop(() => {
          f.get(colFrac).get(x).i32(4).i32Mul().i32Add().f32Load().set(cf);
          const oneMinus = (v: number): void => {
            f.f32(1).get(v).f32Sub();
          };
          corner(top, colLo, () => {
            oneMinus(rf);
            oneMinus(cf);
            f.f32Mul();
          });
          corner(top, colHi, () => {
            oneMinus(rf);
            f.get(cf).f32Mul();
          });
          corner(bot, colLo, () => {
            f.get(rf);
            oneMinus(cf);
            f.f32Mul();
          });
          corner(bot, colHi, () => {
            f.get(rf).get(cf).f32Mul();
          });
          f.inc(src, () => f.get(pix));
          f.inc(x, 1).get(x).get(OW).i32LtS().brIf(0);
        });
        f.inc(y, 1).get(y).get(OH).i32LtS().brIf(0);
      });
      f.inc(n, 1).get(n).get(N).i32LtS().brIf(0);
    });
  });
}

/**
 * One Adam step for n parameters, in exactly the float32 operations, and the
 * order, of GAN Studio's optimiser written with tfjs ops (no FMA: results are
 * bit-identical):
 *   m' = m·b1 + g·(1−b1);  v' = v·b2 + (g·g)·(1−b2);
 *   p' = p − (m'·lrC1) / (√(v'/c2) + eps)
 * Params: p, g, m, v, pOut, mOut, vOut, n, then f32 b1, omb1, b2, omb2, lrC1, c2, eps.
 */
function emitAdam(f: FunctionBuilder): void {
  const [p, g, m, v, pOut, mOut, vOut, n] = [0, 1, 2, 3, 4, 5, 6, 7];
  const sc = { b1: 8, omb1: 9, b2: 10, omb2: 11, lrC1: 12, c2: 13, eps: 14 };
  const vec: Record<string, number> = {};
  for (const [k, idx] of Object.entries(sc)) {
    vec[k] = f.local(V128);
    f.get(idx).f32x4Splat().set(vec[k]);
  }
  const gv = f.local(V128);
  const mv = f.local(V128);
  const vv = f.local(V128);
  const gs = f.local(F32);
  const ms = f.local(F32);
  const vs = f.local(F32);
  const at = (base: number, off: number): void => {
    f.get(base).get(off).i32Add();
  };
  loop(
    f,
    n,
    1,
    (off) => {
      at(g, off);
      f.v128Load().set(gv);
      at(m, off);
      f.v128Load().get(vec.b1).f32x4Mul().get(gv).get(vec.omb1).f32x4Mul().f32x4Add().set(mv);
      at(v, off);
      f.v128Load().get(vec.b2).f32x4Mul().get(gv).get(gv).f32x4Mul().get(vec.omb2).f32x4Mul().f32x4Add().set(vv);
      at(mOut, off);
      f.get(mv).v128Store();
      at(vOut, off);
      f.get(vv).v128Store();
      at(pOut, off);
      at(p, off);
      f.v128Load();
      f.get(mv).get(vec.lrC1).f32x4Mul();
      f.get(vv).get(vec.c2).f32x4Div().f32x4Sqrt().get(vec.eps).f32x4Add();
      f.f32x4Div().f32x4Sub().v128Store();
    },
    (off) => {
      at(g, off);
      f.f32Load().set(gs);
      at(m, off);
      f.f32Load().get(sc.b1).f32Mul().get(gs).get(sc.omb1).f32Mul().f32Add().set(ms);
      at(v, off);
      f.f32Load().get(sc.b2).f32Mul().get(gs).get(gs).f32Mul().get(sc.omb2).f32Mul().f32Add().set(vs);
      at(mOut, off);
      f.get(ms).f32Store();
      at(vOut, off);
      f.get(vs).f32Store();
      at(pOut, off);
      at(p, off);
      f.f32Load();
      f.get(ms).get(sc.lrC1).f32Mul();
      f.get(vs).get(sc.c2).f32Div().f32Sqrt().get(sc.eps).f32Add();
      f.f32Div().f32Sub().f32Store();
    },
  );
}

/** Adds the vector functions to a module. */
export function addVectorFunctions(mb: ModuleBuilder): void {
  mb.fn('leakyRelu', [I32, I32, I32, F32], [], emitLeakyRelu);
  mb.fn('blockSum', [I32, I32, I32, I32, I32], [], emitBlockSum);
  mb.fn('rowSum', [I32, I32, I32, I32], [], emitRowSum);
  mb.fn('affineChannels', [I32, I32, I32, I32, I32, I32], [], emitAffineChannels);
  mb.fn('sqrt', [I32, I32, I32], [], emitSqrt);
  mb.fn('greater', [I32, I32, F32, I32, I32, I32], [], emitGreater);
  mb.fn('select', [I32, I32, I32, I32, I32], [], emitSelect);
  mb.fn('nearestGrad', new Array(10).fill(I32), [], emitNearestGrad);
  mb.fn('bilinearGrad', new Array(14).fill(I32), [], emitBilinearGrad);
  mb.fn('adam', [...new Array(8).fill(I32), ...new Array(7).fill(F32)], [], emitAdam);
}

export interface VectorExports {
  leakyRelu(x: number, out: number, n: number, alpha: number): void;
  blockSum(x: number, out: number, outer: number, mid: number, inner: number): void;
  rowSum(x: number, out: number, rows: number, n: number): void;
  affineChannels(x: number, a: number, b: number, out: number, rows: number, C: number): void;
  sqrt(x: number, out: number, n: number): void;
  greater(x: number, yPtr: number, yValue: number, yIsScalar: number, out: number, n: number): void;
  select(cond: number, a: number, b: number, out: number, n: number): void;
  nearestGrad(dy: number, dx: number, N: number, OH: number, OW: number, C: number, H: number, W: number, rowOf: number, colOf: number): void;
  bilinearGrad(
    dy: number,
    dx: number,
    N: number,
    OH: number,
    OW: number,
    C: number,
    H: number,
    W: number,
    rowLo: number,
    rowHi: number,
    rowFrac: number,
    colLo: number,
    colHi: number,
    colFrac: number,
  ): void;
  adam(
    p: number,
    g: number,
    m: number,
    v: number,
    pOut: number,
    mOut: number,
    vOut: number,
    n: number,
    b1: number,
    omb1: number,
    b2: number,
    omb2: number,
    lrC1: number,
    c2: number,
    eps: number,
  ): void;
}
