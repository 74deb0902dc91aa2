/**
 * Gradients that tfjs 4.22 lacks and that only second-order differentiation
 * needs — the gradient penalty of WGAN-GP differentiates D's input gradient
 * again, so every kernel that appears in a *gradient* of a layer must itself
 * have a gradient:
 *
 *  - LeakyReLU's and SELU's gradients use `greater(x, 0)`; Maximum/Minimum's
 *    use `less`/`lessEqual`/`equal`; clipByValue's uses `logicalAnd`. A
 *    comparison is piecewise constant: its gradient is zero (TensorFlow marks
 *    them not differentiable, which means zero).
 *  - ELU's gradient is the EluGrad kernel: EluGrad(dy, y) = dy·(y ≥ 0 ? 1 : y + 1).
 *  - Upsampling's gradients are the ResizeNearestNeighborGrad and
 *    ResizeBilinearGrad kernels; each is linear in dy and is the adjoint of
 *    the forward resize, so its gradient with respect to dy is the forward
 *    resize of the incoming gradient.
 *
 * Without these, `tf.grad` of a gradient fails on every backend with
 * "Cannot compute gradient: gradient function not found for Greater" (etc.).
 * These are registered globally (gradients in tfjs are not per backend) and
 * only where tfjs has none, so a future tfjs that ships its own wins.
 */
import * as tf from '@tensorflow/tfjs';

type Tensor = tf.Tensor;

function zeroGrads(names: string[]): (dy: Tensor | Tensor[], saved: Tensor[]) => Record<string, () => Tensor> {
  return (_dy, saved) => {
    const out: Record<string, () => Tensor> = {};
    names.forEach((n, i) => {
      // Gradients must be float32 whatever the input's dtype (tfjs checks).
      out[n] = () => tf.zeros(saved[i].shape, 'float32');
    });
    return out;
  };
}

const comparisons: Array<[string, string[]]> = [
  ['Greater', ['a', 'b']],
  ['Less', ['a', 'b']],
  ['LessEqual', ['a', 'b']],
  ['Equal', ['a', 'b']],
  ['NotEqual', ['a', 'b']],
  ['LogicalAnd', ['a', 'b']],
  ['LogicalOr', ['a', 'b']],
  ['LogicalNot', ['x']],
];

function gradientConfigs(): tf.GradConfig[] {
  const configs: tf.GradConfig[] = comparisons.map(([kernelName, inputs]) => ({
    kernelName,
    inputsToSave: inputs,
    gradFunc: zeroGrads(inputs) as tf.GradConfig['gradFunc'],
  }));

  configs.push({
    kernelName: 'EluGrad',
    inputsToSave: ['dy', 'y'],
    gradFunc: ((ddx: Tensor, saved: Tensor[]) => {
      const [dy, y] = saved;
      return {
        // EluGrad is linear in dy.
        dy: () => tf.engine().runKernel('EluGrad', { dy: ddx, y }) as Tensor,
        // d/dy of dy·(y + 1) on the negative side is dy; zero on the other.
        y: () => tf.mul(ddx, tf.mul(dy, tf.cast(tf.less(y, 0), 'float32'))),
      };
    }) as tf.GradConfig['gradFunc'],
  });

  configs.push({
    kernelName: 'ResizeNearestNeighborGrad',
    inputsToSave: ['images', 'dy'],
    gradFunc: ((ddx: Tensor, saved: Tensor[], attrs: tf.NamedAttrMap) => {
      const [images, dy] = saved;
      const { alignCorners = false, halfPixelCenters = false } = attrs as {
        alignCorners?: boolean;
        halfPixelCenters?: boolean;
      };
      return {
        images: () => tf.zeros(images.shape, 'float32'),
        dy: () =>
          tf.image.resizeNearestNeighbor(
            ddx as tf.Tensor4D,
            [dy.shape[1] as number, dy.shape[2] as number],
            alignCorners,
            halfPixelCenters,
          ),
      };
    }) as tf.GradConfig['gradFunc'],
  });

  configs.push({
    kernelName: 'ResizeBilinearGrad',
    inputsToSave: ['images', 'dy'],
    gradFunc: ((ddx: Tensor, saved: Tensor[], attrs: tf.NamedAttrMap) => {
      const [images, dy] = saved;
      const { alignCorners = false, halfPixelCenters = false } = attrs as {
        alignCorners?: boolean;
        halfPixelCenters?: boolean;
      };
      return {
        images: () => tf.zeros(images.shape, 'float32'),
        dy: () =>
          tf.image.resizeBilinear(
            ddx as tf.Tensor4D,
            [dy.shape[1] as number, dy.shape[2] as number],
            alignCorners,
            halfPixelCenters,
          ),
      };
    }) as tf.GradConfig['gradFunc'],
  });
  return configs;
}

/**
 * Registers the missing second-order gradients (idempotent). Returns the
 * kernel names whose gradients were added by this call.
 */
export function registerSecondOrderGradients(): string[] {
  const added: string[] = [];
  for (const config of gradientConfigs()) {
    if (tf.getGradient(config.kernelName) != null) continue;
    tf.registerGradient(config);
    added.push(config.kernelName);
  }
  return added;
}
