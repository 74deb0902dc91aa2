/**
 * setupWasmBackend(): the one entry point of this folder.
 *
 * It loads tfjs's WebAssembly backend (SIMD build) from a configurable place,
 * makes it the active backend, and registers the kernels GAN training needs
 * that tfjs-backend-wasm 4.22 lacks, gets wrong, or runs slowly (register.ts),
 * plus the second-order gradients tfjs lacks (secondOrderGradients.ts) and
 * faster identical Sum/Mean gradients (fastGradients.ts). Gradients are
 * global in tfjs: those two registrations affect every backend, for the
 * better.
 *
 * One call per JavaScript realm: the trainer process calls it once; each
 * worker thread of a data-parallel run calls it once in the worker (every
 * worker has its own tfjs and its own wasm instance).
 */
import * as os from 'os';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from './register';
import { registerFastGradients } from './fastGradients';
import { registerSecondOrderGradients } from './secondOrderGradients';
import { allowFma, simdRuntime, WasmBackendLike } from './simd/runtime';
import { resolveWasmDir, SIMD_WASM_FILE } from './wasmFiles';

export interface WasmSetupOptions {
  /** Directory holding tfjs-backend-wasm*.wasm (default: see wasmFiles.ts). */
  wasmDir?: string;
  /**
   * Use fused multiply-add through WebAssembly relaxed SIMD when V8 allows it
   * (default true; about 1.5× faster convolutions). Results differ from the
   * cpu backend only by float32 rounding either way.
   */
  fma?: boolean;
  /**
   * 'all' (default): add the missing kernels and replace the slow or wrong
   * ones. 'missing': only add the missing ones (stock tfjs otherwise) — for
   * benchmarks and for bisecting a numerical difference.
   */
  kernels?: 'all' | 'missing';
}

export interface WasmSetupReport {
  /** tf.getBackend() after setup: 'wasm' */
  backend: string;
  /** where the .wasm binaries were loaded from ('' if the backend was already up) */
  wasmDir: string;
  simd: boolean;
  /** our kernels use FMA (relaxed SIMD) */
  fma: boolean;
  /** threads inside one wasm instance: always 1 under Node (see dataParallel.ts) */
  threadsPerInstance: number;
  /** logical CPUs of the machine: how many data-parallel workers make sense */
  cpus: number;
  kernelsAdded: string[];
  kernelsReplaced: string[];
  gradientsAdded: string[];
  /** tfjs gradients replaced by faster, identical ones (fastGradients.ts) */
  gradientsReplaced: string[];
  tfjsVersion: string;
}

export async function setupWasmBackend(options: WasmSetupOptions = {}): Promise<WasmSetupReport> {
  allowFma(options.fma !== false);
  let wasmDir = '';
  if (tf.findBackend('wasm') == null) {
    wasmDir = resolveWasmDir(options.wasmDir);
    setWasmPaths(wasmDir);
  }
  const ok = await tf.setBackend('wasm');
  if (!ok || tf.getBackend() !== 'wasm') {
    throw new Error(
      `GAN Studio: the TensorFlow.js WebAssembly backend did not start (binaries from ${wasmDir || 'an earlier setup'}).`,
    );
  }
  const { added, replaced } = registerWasmKernels(options.kernels ?? 'all');
  const gradientsAdded = registerSecondOrderGradients();
  const gradientsReplaced = registerFastGradients();
  const rt = simdRuntime(tf.backend() as unknown as WasmBackendLike);
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
  return {
    backend: tf.getBackend(),
    wasmDir: wasmDir ? wasmDir + (simd ? SIMD_WASM_FILE : 'tfjs-backend-wasm.wasm') : '',
    simd,
    fma: rt.relaxed,
    threadsPerInstance: 1,
    cpus: os.cpus().length,
    kernelsAdded: added,
    kernelsReplaced: replaced,
    gradientsAdded,
    gradientsReplaced,
    tfjsVersion: tf.version.tfjs,
  };
}
