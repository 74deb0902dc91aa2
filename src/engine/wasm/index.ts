/**
 * GAN Studio's TensorFlow.js WebAssembly backend: setup, supplied kernels and
 * multi-core (data-parallel) training helpers. See setup.ts first.
 */
export { setupWasmBackend } from './setup';
export type { WasmSetupOptions, WasmSetupReport } from './setup';
export { setWasmDir, resolveWasmDir, WASM_FILES } from './wasmFiles';
export { registerWasmKernels, suppliedKernelNames, SUPPLIED_KERNELS } from './register';
export { registerSecondOrderGradients } from './secondOrderGradients';
export { registerFastGradients } from './fastGradients';
export {
  GradientExchange,
  createExchangeBuffer,
  parameterCount,
  shardOf,
  startWorkers,
  joinWorkers,
} from './dataParallel';
export type { ExchangeOptions, DataParallelWorkerData } from './dataParallel';
export { adamUpdate, adamUpdateWithOps, ADAM_KERNEL } from './kernels/adam';
export type { AdamHyper } from './kernels/adam';
