/**
 * Shape and parameter arithmetic, one row per case. Expected values are what Keras'
 * summary() and PyTorch's modules report for the same layer (noted per row), so each row
 * can be checked by hand against a framework.
 */
import * as assert from 'node:assert/strict';
import { inferLayer, TensorInfo } from './layers';
import { LayerSpec, Shape } from './types';

interface Row {
  name: string;
  layer: LayerSpec;
  inputs: Shape[];
  output: Shape;
  trainable: number;
  nonTrainable?: number;
}

const ROWS: Row[] = [
  // Dense: n·units + units.
  { name: 'dense 100→12544 without bias (TF DCGAN)', layer: { type: 'dense', units: 12544, useBias: false }, inputs: [[100]], output: [12544], trainable: 1_254_400 },
  { name: 'dense 6272→1 with bias', layer: { type: 'dense', units: 1 }, inputs: [[6272]], output: [1], trainable: 6273 },
  { name: 'dense on the last axis of [1, 50] (Keras)', layer: { type: 'dense', units: 49 }, inputs: [[1, 50]], output: [1, 49], trainable: 2499 },
  // Conv2d 'same': ceil(in / stride).
  { name: 'conv2d 5×5 /2 same on 28×28×1 (TF DCGAN)', layer: { type: 'conv2d', filters: 64, kernel: 5, stride: 2, padding: 'same' }, inputs: [[28, 28, 1]], output: [14, 14, 64], trainable: 1664 },
  { name: 'conv2d 3×3 /2 same on odd 7×7', layer: { type: 'conv2d', filters: 8, kernel: 3, stride: 2, padding: 'same' }, inputs: [[7, 7, 2]], output: [4, 4, 8], trainable: 3 * 3 * 2 * 8 + 8 },
  // Conv2d explicit/valid: floor((in + 2p − k) / s) + 1.
  { name: 'conv2d 4×4 /2 pad 1 on 64×64×3, no bias (PyTorch DCGAN)', layer: { type: 'conv2d', filters: 64, kernel: 4, stride: 2, padding: 1, useBias: false }, inputs: [[64, 64, 3]], output: [32, 32, 64], trainable: 3072 },
  { name: 'conv2d 4×4 /1 pad 1 on 32×32 (PatchGAN 31×31)', layer: { type: 'conv2d', filters: 512, kernel: 4, stride: 1, padding: 1, useBias: false }, inputs: [[32, 32, 256]], output: [31, 31, 512], trainable: 2_097_152 },
  { name: 'conv2d 4×4 valid on 4×4 (DCGAN D last layer)', layer: { type: 'conv2d', filters: 1, kernel: 4, padding: 'valid', useBias: false }, inputs: [[4, 4, 512]], output: [1, 1, 1], trainable: 8192 },
  { name: 'conv2d 3×3 dilation 2 on 10×10', layer: { type: 'conv2d', filters: 1, kernel: 3, dilation: 2 }, inputs: [[10, 10, 1]], output: [6, 6, 1], trainable: 10 },
  { name: 'conv2d asymmetric kernel and stride', layer: { type: 'conv2d', filters: 2, kernel: [3, 1], stride: [1, 2] }, inputs: [[5, 6, 1]], output: [3, 3, 2], trainable: 3 * 1 * 1 * 2 + 2 },
  { name: 'conv2d explicit [[top, bottom], [left, right]]', layer: { type: 'conv2d', filters: 1, kernel: 3, padding: [[1, 0], [2, 2]] }, inputs: [[5, 5, 1]], output: [4, 7, 1], trainable: 10 },
  // Conv2dTranspose 'same': in · stride; explicit: (in − 1)·s + k − 2p + outputPadding.
  { name: 'conv2dTranspose 5×5 ×2 same on 7×7 (TF DCGAN)', layer: { type: 'conv2dTranspose', filters: 64, kernel: 5, stride: 2, padding: 'same', useBias: false }, inputs: [[7, 7, 128]], output: [14, 14, 64], trainable: 204_800 },
  { name: 'conv2dTranspose 4×4 ×1 pad 0 on 1×1×100 (PyTorch DCGAN)', layer: { type: 'conv2dTranspose', filters: 512, kernel: 4, stride: 1, padding: 0, useBias: false }, inputs: [[1, 1, 100]], output: [4, 4, 512], trainable: 819_200 },
  { name: 'conv2dTranspose 4×4 ×2 pad 1 on 4×4', layer: { type: 'conv2dTranspose', filters: 256, kernel: 4, stride: 2, padding: 1, useBias: false }, inputs: [[4, 4, 512]], output: [8, 8, 256], trainable: 2_097_152 },
  { name: 'conv2dTranspose 3×3 ×2 pad 1 outputPadding 1 (PyTorch)', layer: { type: 'conv2dTranspose', filters: 1, kernel: 3, stride: 2, padding: 1, outputPadding: 1 }, inputs: [[4, 4, 1]], output: [8, 8, 1], trainable: 10 },
  { name: 'conv2dTranspose valid with kernel < stride (PyTorch rule)', layer: { type: 'conv2dTranspose', filters: 1, kernel: 2, stride: 3 }, inputs: [[4, 4, 1]], output: [11, 11, 1], trainable: 5 },
  { name: 'conv2dTranspose with bias (pix2pix outermost)', layer: { type: 'conv2dTranspose', filters: 3, kernel: 4, stride: 2, padding: 1 }, inputs: [[128, 128, 128]], output: [256, 256, 3], trainable: 6147 },
  // Normalisation: trainable γ, β; batch norm also keeps moving mean and variance.
  { name: 'batchNorm over 12544 features', layer: { type: 'batchNorm' }, inputs: [[12544]], output: [12544], trainable: 25_088, nonTrainable: 25_088 },
  { name: 'batchNorm over 64 channels', layer: { type: 'batchNorm', momentum: 0.9, epsilon: 1e-5 }, inputs: [[8, 8, 64]], output: [8, 8, 64], trainable: 128, nonTrainable: 128 },
  { name: 'instanceNorm affine', layer: { type: 'instanceNorm' }, inputs: [[8, 8, 64]], output: [8, 8, 64], trainable: 128 },
  { name: 'instanceNorm without affine (PyTorch default)', layer: { type: 'instanceNorm', affine: false }, inputs: [[8, 8, 64]], output: [8, 8, 64], trainable: 0 },
  { name: 'layerNorm on the last axis', layer: { type: 'layerNorm' }, inputs: [[10, 32]], output: [10, 32], trainable: 64 },
  // Shape-only layers.
  { name: 'reshape to 7×7×256', layer: { type: 'reshape', shape: [7, 7, 256] }, inputs: [[12544]], output: [7, 7, 256], trainable: 0 },
  { name: 'reshape with -1', layer: { type: 'reshape', shape: [-1, 4, 4] }, inputs: [[64]], output: [4, 4, 4], trainable: 0 },
  { name: 'flatten 7×7×128', layer: { type: 'flatten' }, inputs: [[7, 7, 128]], output: [6272], trainable: 0 },
  { name: 'upsample ×2 nearest', layer: { type: 'upsample' }, inputs: [[4, 5, 3]], output: [8, 10, 3], trainable: 0 },
  { name: 'upsample [2, 3] bilinear', layer: { type: 'upsample', factor: [2, 3], interpolation: 'bilinear' }, inputs: [[4, 5, 3]], output: [8, 15, 3], trainable: 0 },
  { name: 'zeroPad asymmetric', layer: { type: 'zeroPad', padding: [[1, 2], [0, 3]] }, inputs: [[4, 4, 1]], output: [7, 7, 1], trainable: 0 },
  { name: 'dropout keeps the shape', layer: { type: 'dropout', rate: 0.5 }, inputs: [[3, 3, 2]], output: [3, 3, 2], trainable: 0 },
  { name: 'leakyRelu keeps the shape', layer: { type: 'leakyRelu', alpha: 0.2 }, inputs: [[10]], output: [10], trainable: 0 },
  // Merges.
  { name: 'concat channels (U-Net skip)', layer: { type: 'concat' }, inputs: [[2, 2, 512], [2, 2, 512]], output: [2, 2, 1024], trainable: 0 },
  { name: 'concat axis 0', layer: { type: 'concat', axis: 0 }, inputs: [[2, 3], [5, 3]], output: [7, 3], trainable: 0 },
  { name: 'add', layer: { type: 'add' }, inputs: [[4, 4, 8], [4, 4, 8], [4, 4, 8]], output: [4, 4, 8], trainable: 0 },
];

describe('layer shapes and parameter counts', () => {
  for (const row of ROWS) {
    it(row.name, () => {
      const inputs: TensorInfo[] = row.inputs.map((shape) => ({ shape, kind: 'float' }));
      const result = inferLayer(row.layer, inputs);
      assert.deepEqual(result.issues.filter((i) => i.severity === 'error'), []);
      assert.deepEqual(result.output?.shape, row.output);
      assert.equal(result.trainableParams, row.trainable);
      assert.equal(result.nonTrainableParams, row.nonTrainable ?? 0);
    });
  }

  it('embedding turns a label [1] into [1, outputDim] with inputDim·outputDim parameters', () => {
    const result = inferLayer({ type: 'embedding', inputDim: 10, outputDim: 50 }, [{ shape: [1], kind: 'label' }]);
    assert.deepEqual(result.output, { shape: [1, 50], kind: 'float' });
    assert.equal(result.trainableParams, 500);
  });
});
