/**
 * The kernels GAN Studio supplies to tfjs's wasm backend, and their
 * registration. Each entry says why it is here.
 *
 * Registration happens after the backend is initialised: tfjs calls a
 * kernel's setup function only at initialisation, and our replacements fall
 * back to the stock kernel (already set up) for cases they do not handle.
 */
import * as tf from '@tensorflow/tfjs';
import { adamConfig } from './kernels/adam';
import { batchNormConfig } from './kernels/batchNorm';
import { rememberStockKernel } from './kernels/common';
import { conv2dConfig, fusedConv2dConfig } from './kernels/conv2d';
import { conv2dBackpropFilterConfig } from './kernels/conv2dBackpropFilter';
import { conv2dBackpropInputConfig } from './kernels/conv2dBackpropInput';
import { greaterConfig, leakyReluConfig, selectConfig, sqrtConfig } from './kernels/elementwise';
import { identityConfig } from './kernels/identity';
import { batchMatMulConfig, fusedMatMulConfig } from './kernels/matMul';
import { meanConfig, sumConfig } from './kernels/reduce';
import { resizeBilinearGradConfig } from './kernels/resizeBilinearGrad';
import { resizeNearestNeighborGradConfig } from './kernels/resizeNearestNeighborGrad';
import { tileConfig } from './kernels/tile';
import { unsortedSegmentSumConfig } from './kernels/unsortedSegmentSum';

export interface SuppliedKernel {
  config: tf.KernelConfig;
  /**
   * 'missing': tfjs-backend-wasm 4.22 has none; 'slow' / 'wrong': it has one;
   * 'fused': a GAN Studio kernel doing the work of several tfjs ops
   */
  reason: 'missing' | 'slow' | 'wrong' | 'fused';
  why: string;
}

export const SUPPLIED_KERNELS: SuppliedKernel[] = [
  {
    config: conv2dBackpropFilterConfig,
    reason: 'missing',
    why: 'filter gradient of conv2d / conv2dTranspose: every conv layer needs it to train',
  },
  {
    config: unsortedSegmentSumConfig,
    reason: 'missing',
    why: 'gradient of Gather: training an Embedding layer (conditional GANs)',
  },
  {
    config: conv2dBackpropInputConfig,
    reason: 'slow',
    why: 'conv2dTranspose forward and conv2d input gradient: stock is a scalar loop (~4.5 GFLOP/s)',
  },
  {
    config: conv2dConfig,
    reason: 'slow',
    why: 'XNNPACK without FMA: 16-20 GFLOP/s; ours 33-36 on DCGAN layers',
  },
  {
    config: fusedConv2dConfig,
    reason: 'slow',
    why: 'what tfjs-layers Conv2D runs (bias fused); same as Conv2D',
  },
  {
    config: batchMatMulConfig,
    reason: 'slow',
    why: 'transposed operands (every dense-layer gradient) run as a scalar loop: 1-2 GFLOP/s',
  },
  {
    config: fusedMatMulConfig,
    reason: 'slow',
    why: 'what tfjs-layers Dense runs (bias fused); same GEMM as BatchMatMul',
  },
  {
    config: tileConfig,
    reason: 'slow',
    why: 'index arithmetic per element: 40-90 ms for 800K floats inside batch norm gradients; ours is block copies',
  },
  {
    config: sumConfig,
    reason: 'slow',
    why: 'reducing leading axes (bias gradients, batch-norm statistics) transposes first: 5-11 ms per 800K floats',
  },
  {
    config: meanConfig,
    reason: 'slow',
    why: 'same as Sum',
  },
  {
    config: leakyReluConfig,
    reason: 'slow',
    why: 'scalar loop, 6-10 ms per 800K floats (Relu takes 0.4)',
  },
  {
    config: greaterConfig,
    reason: 'slow',
    why: "scalar loop; half of LeakyReLU's gradient",
  },
  {
    config: selectConfig,
    reason: 'slow',
    why: "scalar loop, 7-10 ms per 800K floats; the other half of LeakyReLU's gradient",
  },
  {
    config: batchNormConfig,
    reason: 'slow',
    why: 'scalar loop, ~4 ms per 800K floats',
  },
  {
    config: sqrtConfig,
    reason: 'slow',
    why: 'scalar loop (Adam, normalisation layers)',
  },
  {
    config: identityConfig,
    reason: 'slow',
    why: 'copies the tensor; ~200 calls per GAN step; tensors are immutable so a shared reference suffices',
  },
  {
    config: resizeNearestNeighborGradConfig,
    reason: 'wrong',
    why: 'nearest upsampling gradient: stock ignores halfPixelCenters (not the adjoint of the forward resize then)',
  },
  {
    config: resizeBilinearGradConfig,
    reason: 'wrong',
    why: 'bilinear upsampling gradient: stock is not the adjoint of the forward resize when halfPixelCenters is true',
  },
  {
    config: adamConfig,
    reason: 'fused',
    why: 'one pass per variable for an Adam step instead of ~11 element-wise kernels (kernels/adam.ts: adamUpdate)',
  },
];

export interface RegistrationResult {
  added: string[];
  replaced: string[];
}

/**
 * Registers the supplied kernels for the 'wasm' backend, remembering the
 * stock kernel each replaces. `which` = 'missing' registers only the kernels
 * tfjs-backend-wasm lacks (a baseline for benchmarks and for bisecting a
 * numerical difference). Safe to call more than once.
 */
export function registerWasmKernels(which: 'all' | 'missing' = 'all'): RegistrationResult {
  const added: string[] = [];
  const replaced: string[] = [];
  for (const { config, reason } of SUPPLIED_KERNELS) {
    if (which === 'missing' && reason !== 'missing') continue;
    const name = config.kernelName;
    const existing = tf.getKernel(name, 'wasm');
    if (existing && existing.kernelFunc === config.kernelFunc) continue;
    if (existing) {
      rememberStockKernel(name, existing.kernelFunc);
      tf.unregisterKernel(name, 'wasm');
      replaced.push(name);
    } else {
      added.push(name);
    }
    tf.registerKernel(config);
  }
  return { added, replaced };
}

/** Names of the kernels this module supplies (registered or not). */
export function suppliedKernelNames(): string[] {
  return SUPPLIED_KERNELS.map((k) => k.config.kernelName);
}
