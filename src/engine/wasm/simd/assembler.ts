/**
 * A very small WebAssembly assembler: enough to write SIMD compute loops in
 * TypeScript and turn them into a `.wasm` binary at run time.
 *
 * Why: the tfjs wasm backend ships prebuilt XNNPACK code that cannot use fused
 * multiply-add (FMA), and several kernels that GAN training needs are missing
 * or are scalar loops. Writing our own kernels as WebAssembly keeps the project
 * pure TypeScript (no C toolchain, no binary files in the repo, no extra npm
 * package): the bytes are produced here, compiled by V8 once per process, and
 * run on tfjs's own memory so that no tensor is copied.
 *
 * The emitter follows the binary format of the WebAssembly core specification
 * and the SIMD / relaxed-SIMD proposals; only the opcodes the kernels use are
 * present. Each method appends one instruction; control flow is structured
 * (block/loop/if) exactly as in the text format, so a kernel written with this
 * class reads like a `.wat` file.
 */

/** Value types (binary encoding). */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof V128;

function u32(out: number[], value: number): void {
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
}

function s32(out: number[], value: number): void {
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

function name(out: number[], text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  u32(out, bytes.length);
  for (const b of bytes) out.push(b);
}

function section(out: number[], id: number, body: number[]): void {
  out.push(id);
  u32(out, body.length);
  for (const b of body) out.push(b);
}

/** Emits the body of one function. Locals are numbered after the parameters. */
export class FunctionBuilder {
  readonly code: number[] = [];
  private readonly localTypes: ValType[] = [];

  constructor(
    readonly fnName: string,
    readonly params: ValType[],
    readonly results: ValType[],
    /** When true, `fma` uses f32x4.relaxed_madd; otherwise a multiply then an add. */
    readonly relaxed: boolean,
  ) {}

  /** Declares a new local and returns its index. */
  local(type: ValType): number {
    this.localTypes.push(type);
    return this.params.length + this.localTypes.length - 1;
  }

  localDecls(): number[] {
    // Consecutive locals of the same type are grouped, as the format requires.
    const groups: Array<[number, ValType]> = [];
    for (const t of this.localTypes) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const out: number[] = [];
    u32(out, groups.length);
    for (const [count, type] of groups) {
      u32(out, count);
      out.push(type);
    }
    return out;
  }

  private op(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b);
    return this;
  }

  private simd(opcode: number): this {
    this.code.push(0xfd);
    u32(this.code, opcode);
    return this;
  }

  private memarg(alignLog2: number, offset: number): this {
    u32(this.code, alignLog2);
    u32(this.code, offset);
    return this;
  }

  // ---- control ----
  /** `block … end`: `br 0` inside jumps to its end. */
  block(body: () => void): this {
    this.op(0x02, 0x40);
    body();
    return this.op(0x0b);
  }
  /** `loop … end`: `br 0` inside jumps back to its start. */
  loop(body: () => void): this {
    this.op(0x03, 0x40);
    body();
    return this.op(0x0b);
  }
  /**
   * Pops an i32; runs `then` when it is non-zero, else `otherwise`. With
   * `result`, both arms leave one value of that type on the stack.
   */
  ifElse(then: () => void, otherwise?: () => void, result?: ValType): this {
    this.op(0x04, result ?? 0x40);
    then();
    if (otherwise) {
      this.op(0x05);
      otherwise();
    }
    return this.op(0x0b);
  }
  br(depth: number): this {
    this.op(0x0c);
    u32(this.code, depth);
    return this;
  }
  brIf(depth: number): this {
    this.op(0x0d);
    u32(this.code, depth);
    return this;
  }
  ret(): this {
    return this.op(0x0f);
  }
  /** Calls function number `index` of the module (in the order they were added). */
  call(index: number): this {
    this.op(0x10);
    u32(this.code, index);
    return this;
  }
  drop(): this {
    return this.op(0x1a);
  }

  // ---- locals ----
  get(i: number): this {
    this.op(0x20);
    u32(this.code, i);
    return this;
  }
  set(i: number): this {
    this.op(0x21);
    u32(this.code, i);
    return this;
  }
  tee(i: number): this {
    this.op(0x22);
    u32(this.code, i);
    return this;
  }

  // ---- i32 ----
  i32(value: number): this {
    this.op(0x41);
    s32(this.code, value);
    return this;
  }
  i32Load(offset = 0): this {
    return this.op(0x28).memarg(2, offset);
  }
  i32Store(offset = 0): this {
    return this.op(0x36).memarg(2, offset);
  }
  i32Eqz(): this {
    return this.op(0x45);
  }
  i32Eq(): this {
    return this.op(0x46);
  }
  i32Ne(): this {
    return this.op(0x47);
  }
  i32LtS(): this {
    return this.op(0x48);
  }
  i32LtU(): this {
    return this.op(0x49);
  }
  i32GtS(): this {
    return this.op(0x4a);
  }
  i32LeS(): this {
    return this.op(0x4c);
  }
  i32GeS(): this {
    return this.op(0x4e);
  }
  i32Add(): this {
    return this.op(0x6a);
  }
  i32Sub(): this {
    return this.op(0x6b);
  }
  i32Mul(): this {
    return this.op(0x6c);
  }
  i32DivS(): this {
    return this.op(0x6d);
  }
  i32And(): this {
    return this.op(0x71);
  }
  i32Shl(): this {
    return this.op(0x74);
  }
  i32ShrS(): this {
    return this.op(0x75);
  }
  /** local[i] += delta (a common loop step). */
  inc(i: number, delta: number | (() => void)): this {
    this.get(i);
    if (typeof delta === 'number') this.i32(delta);
    else delta();
    return this.i32Add().set(i);
  }

  // ---- f32 (scalar) ----
  f32(value: number): this {
    this.op(0x43);
    const b = new Uint8Array(new Float32Array([value]).buffer);
    for (const x of b) this.code.push(x);
    return this;
  }
  f32Load(offset = 0): this {
    return this.op(0x2a).memarg(2, offset);
  }
  f32Store(offset = 0): this {
    return this.op(0x38).memarg(2, offset);
  }
  f32Add(): this {
    return this.op(0x92);
  }
  f32Sub(): this {
    return this.op(0x93);
  }
  f32Mul(): this {
    return this.op(0x94);
  }
  f32Max(): this {
    return this.op(0x97);
  }
  f32Sqrt(): this {
    return this.op(0x91);
  }
  f32Lt(): this {
    return this.op(0x5d);
  }
  f32Gt(): this {
    return this.op(0x5e);
  }
  f32Div(): this {
    return this.op(0x95);
  }
  f32Neg(): this {
    return this.op(0x8c);
  }
  /** Loads one byte, zero-extended to i32. */
  i32Load8U(offset = 0): this {
    return this.op(0x2d).memarg(0, offset);
  }
  /** Stores the low byte of an i32. */
  i32Store8(offset = 0): this {
    return this.op(0x3a).memarg(0, offset);
  }
  select(): this {
    return this.op(0x1b);
  }

  // ---- v128 / f32x4 ----
  /** Loads 16 bytes; `alignLog2` 0 means "no alignment promised". */
  v128Load(offset = 0, alignLog2 = 0): this {
    return this.simd(0x00).memarg(alignLog2, offset);
  }
  v128Store(offset = 0, alignLog2 = 0): this {
    return this.simd(0x0b).memarg(alignLog2, offset);
  }
  /** Loads one f32 and repeats it in all four lanes. */
  v128Load32Splat(offset = 0): this {
    return this.simd(0x09).memarg(0, offset);
  }
  /** Loads one f32 into lane 0, zeroes the others. */
  v128Load32Zero(offset = 0): this {
    return this.simd(0x5c).memarg(0, offset);
  }
  /** Loads 8 bytes into the low half, zeroes the high half. */
  v128Load64Zero(offset = 0): this {
    return this.simd(0x5d).memarg(0, offset);
  }
  /** Stores lane `lane` (0..3) of a f32x4 as one f32. */
  v128Store32Lane(lane: number, offset = 0): this {
    this.simd(0x5a).memarg(0, offset);
    this.code.push(lane);
    return this;
  }
  /** Stores the low 8 bytes (lanes 0 and 1). */
  v128Store64Lane0(offset = 0): this {
    this.simd(0x5b).memarg(0, offset);
    this.code.push(0);
    return this;
  }
  v128Zero(): this {
    this.simd(0x0c);
    for (let i = 0; i < 16; i++) this.code.push(0);
    return this;
  }
  f32x4Splat(): this {
    return this.simd(0x13);
  }
  f32x4ExtractLane(lane: number): this {
    this.simd(0x1f);
    this.code.push(lane);
    return this;
  }
  f32x4Add(): this {
    return this.simd(0xe4);
  }
  f32x4Sub(): this {
    return this.simd(0xe5);
  }
  f32x4Mul(): this {
    return this.simd(0xe6);
  }
  f32x4Max(): this {
    return this.simd(0xe9);
  }
  f32x4Min(): this {
    return this.simd(0xe8);
  }
  f32x4Div(): this {
    return this.simd(0xe7);
  }
  f32x4Sqrt(): this {
    return this.simd(0xe3);
  }
  f32x4Neg(): this {
    return this.simd(0xe1);
  }
  /** Lane-wise a > b: all-ones / all-zeros i32 lanes. */
  f32x4Gt(): this {
    return this.simd(0x44);
  }
  f32x4Lt(): this {
    return this.simd(0x43);
  }
  /** (a AND mask) OR (b AND NOT mask), operands pushed as a, b, mask. */
  v128Bitselect(): this {
    return this.simd(0x52);
  }
  v128And(): this {
    return this.simd(0x4e);
  }
  i32x4Splat(): this {
    return this.simd(0x11);
  }
  i32x4Ne(): this {
    return this.simd(0x38);
  }
  /** Packs two i32x4 into one i16x8 with signed saturation. */
  i16x8NarrowI32x4S(): this {
    return this.simd(0x85);
  }
  /** Packs two i16x8 into one i8x16 with signed saturation. */
  i8x16NarrowI16x8S(): this {
    return this.simd(0x65);
  }
  /** Loads 8 bytes, zero-extends each to a 16-bit lane. */
  v128Load8x8U(offset = 0): this {
    return this.simd(0x02).memarg(0, offset);
  }
  /** Zero-extends the low four 16-bit lanes to 32 bits. */
  i32x4ExtendLowI16x8U(): this {
    return this.simd(0xa9);
  }
  i32x4ExtendHighI16x8U(): this {
    return this.simd(0xaa);
  }
  /**
   * Multiply-accumulate: leaves a*b + c on the stack. `pushA`, `pushB`, `pushC`
   * each push one f32x4. With relaxed SIMD this is one FMA instruction on x86
   * (twice the arithmetic throughput of a separate multiply and add); without,
   * it is the multiply and the add.
   */
  fma(pushA: () => void, pushB: () => void, pushC: () => void): this {
    pushA();
    pushB();
    if (this.relaxed) {
      pushC();
      return this.simd(0x105); // f32x4.relaxed_madd
    }
    this.f32x4Mul();
    pushC();
    return this.f32x4Add();
  }
  /** 8x16 byte shuffle of two vectors (lane bytes 0..31). */
  i8x16Shuffle(lanes: number[]): this {
    this.simd(0x0d);
    for (const l of lanes) this.code.push(l);
    return this;
  }

  end(): number[] {
    const body = [...this.localDecls(), ...this.code, 0x0b];
    const out: number[] = [];
    u32(out, body.length);
    return out.concat(body);
  }
}

/** Collects functions and produces the module bytes. */
export class ModuleBuilder {
  private readonly functions: FunctionBuilder[] = [];

  constructor(readonly relaxed: boolean) {}

  /** Adds an exported function; `body` emits its instructions. Returns its index (for `call`). */
  fn(
    fnName: string,
    params: ValType[],
    results: ValType[],
    body: (f: FunctionBuilder) => void,
  ): number {
    const f = new FunctionBuilder(fnName, params, results, this.relaxed);
    body(f);
    this.functions.push(f);
    return this.functions.length - 1;
  }

  /** The module imports its memory as `env.memory` (the tfjs wasm heap). */
  bytes(): Uint8Array {
    const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

    const types: number[] = [];
    u32(types, this.functions.length);
    for (const f of this.functions) {
      types.push(0x60);
      u32(types, f.params.length);
      types.push(...f.params);
      u32(types, f.results.length);
      types.push(...f.results);
    }
    section(out, 1, types);

    const imports: number[] = [];
    u32(imports, 1);
    name(imports, 'env');
    name(imports, 'memory');
    imports.push(0x02, 0x00); // memory, limits with a minimum only
    u32(imports, 1);
    section(out, 2, imports);

    const funcs: number[] = [];
    u32(funcs, this.functions.length);
    this.functions.forEach((_, i) => u32(funcs, i));
    section(out, 3, funcs);

    const exports: number[] = [];
    u32(exports, this.functions.length);
    this.functions.forEach((f, i) => {
      name(exports, f.fnName);
      exports.push(0x00);
      u32(exports, i);
    });
    section(out, 7, exports);

    const code: number[] = [];
    u32(code, this.functions.length);
    for (const f of this.functions) code.push(...f.end());
    section(out, 10, code);

    return new Uint8Array(out);
  }
}
