/**
 * Identity without a copy.
 *
 * Why: tfjs runs Identity for every tf.clone / keep / pass-through gradient
 * (~200 calls per GAN step); the stock wasm kernel copies the whole tensor.
 * Tensors are immutable in tfjs (a variable's assign() swaps in new data, it
 * never writes into the old buffer), so the output can share the input's
 * memory with a reference count — what tfjs's cpu backend and wasm's own
 * Reshape already do.
 */
import { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { KernelArgs } from './common';

interface RefCounting {
  incRef(dataId: object): void;
}

function identityKernel(args: KernelArgs): TensorInfo {
  const { x } = args.inputs as { x: TensorInfo };
  (args.backend as RefCounting).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityConfig: KernelConfig = {
  kernelName: 'Identity',
  backendName: 'wasm',
  kernelFunc: identityKernel as unknown as KernelConfig['kernelFunc'],
};
