/**
 * Element-wise kernels whose stock wasm versions are scalar loops: LeakyRelu
 * (every DCGAN layer), Greater and Select (LeakyReLU's gradient is
 * `where(x > 0, dy, alpha·dy)`), Sqrt (Adam, normalisation). Ours run the
 * f32x4 loops of simd/vectorModule.ts. Shapes or dtypes we do not handle go
 * to the stock kernel.
 */
import { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { addressOf, simdRuntime } from '../simd/runtime';
import { asWasm, callStock, KernelArgs, sizeOf } from './common';

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function leakyReluKernel(args: KernelArgs): TensorInfo {
  const { x } = args.inputs as { x: TensorInfo };
  const { alpha } = args.attrs as unknown as { alpha: number };
  if (x.dtype !== 'float32') return callStock('LeakyRelu', args);
  const backend = asWasm(args.backend);
  const out = backend.makeOutput(x.shape, 'float32');
  simdRuntime(backend).vec.leakyRelu(addressOf(backend, x), addressOf(backend, out), sizeOf(x.shape), alpha);
  return out;
}

function sqrtKernel(args: KernelArgs): TensorInfo {
  const { x } = args.inputs as { x: TensorInfo };
  if (x.dtype !== 'float32') return callStock('Sqrt', args);
  const backend = asWasm(args.backend);
  const out = backend.makeOutput(x.shape, 'float32');
  simdRuntime(backend).vec.sqrt(addressOf(backend, x), addressOf(backend, out), sizeOf(x.shape));
  return out;
}

function greaterKernel(args: KernelArgs): TensorInfo {
  const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
  const scalarB = sizeOf(b.shape) === 1 && b.shape.length <= a.shape.length;
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || !(scalarB || sameShape(a.shape, b.shape))) {
    return callStock('Greater', args);
  }
  const backend = asWasm(args.backend);
  const out = backend.makeOutput(a.shape, 'bool');
  const rt = simdRuntime(backend);
  const ba = addressOf(backend, b);
  const bValue = scalarB ? new Float32Array(rt.memory.buffer as ArrayBuffer, ba, 1)[0] : 0;
  rt.vec.greater(addressOf(backend, a), ba, bValue, scalarB ? 1 : 0, addressOf(backend, out), sizeOf(a.shape));
  return out;
}

function selectKernel(args: KernelArgs): TensorInfo {
  const { condition, t, e } = args.inputs as { condition: TensorInfo; t: TensorInfo; e: TensorInfo };
  if (
    condition.dtype !== 'bool' ||
    t.dtype !== 'float32' ||
    e.dtype !== 'float32' ||
    !sameShape(condition.shape, t.shape) ||
    !sameShape(t.shape, e.shape)
  ) {
    return callStock('Select', args);
  }
  const backend = asWasm(args.backend);
  const out = backend.makeOutput(t.shape, 'float32');
  simdRuntime(backend).vec.select(
    addressOf(backend, condition),
    addressOf(backend, t),
    addressOf(backend, e),
    addressOf(backend, out),
    sizeOf(t.shape),
  );
  return out;
}

const config = (kernelName: string, fn: (args: KernelArgs) => TensorInfo): KernelConfig => ({
  kernelName,
  backendName: 'wasm',
  kernelFunc: fn as unknown as KernelConfig['kernelFunc'],
});

export const leakyReluConfig = config('LeakyRelu', leakyReluKernel);
export const sqrtConfig = config('Sqrt', sqrtKernel);
export const greaterConfig = config('Greater', greaterKernel);
export const selectConfig = config('Select', selectKernel);
