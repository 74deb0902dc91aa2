/**
 * Binds our generated SIMD module to one tfjs wasm backend instance.
 *
 * The module imports the backend's own WebAssembly.Memory, so kernels read
 * their inputs and write their outputs where tfjs keeps tensors: a tensor's
 * address is `backend.dataIdMap.get(dataId).memoryOffset`, and scratch space
 * comes from the backend's `_malloc`/`_free`. Nothing is copied in or out.
 *
 * Memory can grow on any allocation; typed-array views must be taken after the
 * last allocation of a kernel (see `f32View`).
 */
import * as v8 from 'v8';
import type { TensorInfo } from '@tensorflow/tfjs';
import { ModuleBuilder } from './assembler';
import { addGemmFunctions, GemmExports, MR } from './gemmModule';
import { addVectorFunctions, VectorExports } from './vectorModule';
import { WasmMemory, WebAssemblyApi } from './webassemblyApi';

/** The parts of tfjs-backend-wasm's BackendWasm that our kernels use. */
export interface WasmBackendLike {
  wasm: {
    _malloc(bytes: number): number;
    _free(ptr: number): void;
    HEAPU8: Uint8Array;
    /** Emscripten's exports; `memory` is the heap (non-threaded build). */
    asm?: { memory?: WasmMemory };
  };
  dataIdMap: { get(dataId: object): { memoryOffset: number; id: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32' | 'int32' | 'bool'): TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
}

export interface SimdRuntime {
  gemm: GemmExports;
  vec: VectorExports;
  memory: WasmMemory;
  /** true when FMA (relaxed SIMD) is in use */
  relaxed: boolean;
}

// A module whose only function uses f32x4.relaxed_madd.
const RELAXED_PROBE = new Uint8Array([
  0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 8, 1, 0x60, 3, 0x7b, 0x7b, 0x7b, 1, 0x7b, 3, 2, 1, 0, 10, 13, 1,
  11, 0, 0x20, 0, 0x20, 1, 0x20, 2, 0xfd, 0x85, 0x02, 0x0b,
]);

let relaxedDecision: boolean | undefined;
let fmaAllowed = true;

/**
 * Allows or forbids FMA for runtimes created from now on (a runtime already
 * created keeps its code). Used by setupWasmBackend({fma}).
 */
export function allowFma(allowed: boolean): void {
  fmaAllowed = allowed;
}

/**
 * Whether relaxed SIMD (for FMA) can be used, switching it on in V8 if needed.
 * Node 20's V8 (11.3) has it behind `--experimental-wasm-relaxed-simd`; the
 * flag can be set at run time, before the first module that uses it is
 * compiled. Newer Nodes have it on by default. `GAN_STUDIO_WASM_FMA=0` in the
 * environment forces the plain multiply-then-add code (the tests use it to
 * check both paths).
 */
export function relaxedSimdAvailable(): boolean {
  if (relaxedDecision !== undefined) return relaxedDecision;
  if (process.env.GAN_STUDIO_WASM_FMA === '0') return (relaxedDecision = false);
  if (!WebAssemblyApi.validate(RELAXED_PROBE)) {
    try {
      v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
    } catch {
      // Not Node, or flags locked: fall back to multiply + add.
    }
  }
  const ok = WebAssemblyApi.validate(RELAXED_PROBE);
  relaxedDecision = ok;
  return ok;
}

const runtimes = new WeakMap<object, SimdRuntime>();
const moduleCache = new Map<boolean, object>();

function heapMemory(backend: WasmBackendLike): WasmMemory {
  const memory = backend.wasm.asm?.memory;
  if (!(memory instanceof WebAssemblyApi.Memory)) {
    throw new Error(
      'gan-studio wasm kernels: cannot find the tfjs wasm heap (Module.asm.memory); ' +
        'is @tensorflow/tfjs-backend-wasm 4.x the non-threaded build?',
    );
  }
  return memory;
}

/** The SIMD runtime for `backend`, created on first use. */
export function simdRuntime(backend: WasmBackendLike): SimdRuntime {
  let rt = runtimes.get(backend);
  if (rt) return rt;
  const relaxed = fmaAllowed && relaxedSimdAvailable();
  let mod = moduleCache.get(relaxed);
  if (!mod) {
    const mb = new ModuleBuilder(relaxed);
    addGemmFunctions(mb);
    addVectorFunctions(mb);
    mod = new WebAssemblyApi.Module(mb.bytes());
    moduleCache.set(relaxed, mod);
  }
  const memory = heapMemory(backend);
  const exp = new WebAssemblyApi.Instance(mod, { env: { memory } }).exports as Record<
    string,
    (...args: number[]) => void
  >;
  const tiles: GemmExports['tiles'] = [];
  const gemvs: GemmExports['gemvs'] = [];
  for (let m = 1; m <= MR; m++) {
    tiles[m] = exp[`tile${m}`];
    gemvs[m] = exp[`gemv${m}`];
  }
  rt = {
    gemm: {
      tiles,
      gemvs,
      packB: exp.packB as GemmExports['packB'],
      tileGrid: exp.tileGrid,
      gemvGrid: exp.gemvGrid,
    },
    vec: exp as unknown as VectorExports,
    memory,
    relaxed,
  };
  runtimes.set(backend, rt);
  return rt;
}

/**
 * Forgets the runtime of `backend`, so that the next kernel call builds a new
 * one (with the FMA setting then in force). For tests of both code paths.
 */
export function dropSimdRuntime(backend: WasmBackendLike): void {
  runtimes.delete(backend);
}

/** Byte address of a tensor in the wasm heap. */
export function addressOf(backend: WasmBackendLike, t: TensorInfo): number {
  const d = backend.dataIdMap.get(t.dataId);
  if (!d) throw new Error('gan-studio wasm kernels: tensor is not on the wasm backend');
  return d.memoryOffset >>> 0;
}

/**
 * Scratch memory for one kernel call. Allocate everything first, then take
 * views (an allocation may grow, and so detach, the heap buffer), then free.
 */
export class Scratch {
  private readonly ptrs: number[] = [];
  constructor(private readonly backend: WasmBackendLike) {}
  /** `bytes` of heap, 16-byte aligned (malloc guarantees at least 8; we round up). */
  alloc(bytes: number): number {
    const raw = this.backend.wasm._malloc(bytes + 16) >>> 0;
    if (raw === 0) throw new Error(`gan-studio wasm kernels: out of memory (${bytes} bytes)`);
    this.ptrs.push(raw);
    return ((raw + 15) & ~15) >>> 0;
  }
  free(): void {
    for (const p of this.ptrs) this.backend.wasm._free(p);
    this.ptrs.length = 0;
  }
}

/** A Float32Array over `count` floats at byte address `ptr`, valid until the next allocation. */
export function f32View(memory: WasmMemory, ptr: number, count: number): Float32Array {
  return new Float32Array(memory.buffer as ArrayBuffer, ptr, count);
}
