/**
 * The shipped examples reproduce the reference implementations exactly: the trainable
 * parameter counts of TensorFlow's DCGAN tutorial, PyTorch's DCGAN example and the
 * pix2pix reference code (as the issue lists them), and our own for the rest.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeText } from './analyze';

const examples = join(__dirname, '..', '..', '..', 'examples');

const REFERENCE = [
  { file: 'gan-2d-ring.gan.json', generator: 17_922, discriminator: 17_025, gOut: [2], dOut: [1] },
  { file: 'dcgan-mnist.gan.json', generator: 2_305_472, discriminator: 212_865, gOut: [28, 28, 1], dOut: [1], gNonTrainable: 25_472 },
  { file: 'dcgan-mnist-small.gan.json', generator: 778_305, discriminator: 138_561, gOut: [28, 28, 1], dOut: [1], gNonTrainable: 12_672 },
  { file: 'dcgan-64.gan.json', generator: 3_576_704, discriminator: 2_765_568, gOut: [64, 64, 3], dOut: [1, 1, 1], gNonTrainable: 1_920, dNonTrainable: 1_792 },
  { file: 'cgan-mnist.gan.json', generator: 1_169_336, discriminator: 196_773, gOut: [28, 28, 1], dOut: [1] },
  { file: 'pix2pix-unet256.gan.json', generator: 54_413_955, discriminator: 2_768_705, gOut: [256, 256, 3], dOut: [30, 30, 1], gNonTrainable: 9_856, dNonTrainable: 1_792 },
];

describe('examples', () => {
  for (const ref of REFERENCE) {
    it(`${ref.file}: no problems, the reference shapes and parameter counts`, () => {
      const analysis = analyzeText(readFileSync(join(examples, ref.file), 'utf8'));
      assert.deepEqual(analysis.problems.map((p) => p.message), []);
      assert.equal(analysis.generator?.trainableParams, ref.generator);
      assert.equal(analysis.discriminator?.trainableParams, ref.discriminator);
      assert.deepEqual(analysis.generator?.outputShape, ref.gOut);
      assert.deepEqual(analysis.discriminator?.outputShape, ref.dOut);
      assert.equal(analysis.generator?.nonTrainableParams, ref.gNonTrainable ?? 0);
      assert.equal(analysis.discriminator?.nonTrainableParams, ref.dNonTrainable ?? 0);
    });
  }

  it('pix2pix: the U-Net has its 7 skip connections and the PatchGAN reads the (source, image) pair', () => {
    const analysis = analyzeText(readFileSync(join(examples, 'pix2pix-unet256.gan.json'), 'utf8'));
    const skips = analysis.generator!.layers.filter((l) => l.type === 'concat').map((l) => l.inputs[1]);
    assert.deepEqual(skips, ['d7', 'd6', 'd5', 'd4', 'd3', 'd2', 'd1']);
    assert.deepEqual(analysis.discriminator!.layers[0].inputs, ['source', 'image']);
    assert.deepEqual(analysis.discriminator!.layers[0].outputShape, [256, 256, 6]);
  });
});
