/**
 * A rough size of a GAN's training work: the multiply-adds of one sample's forward pass
 * through both networks, counting convolutions and dense layers (the rest is small
 * beside them). Data-parallel workers pay a fixed cost per update (messages, two
 * barriers, gradient copies); below some work per shard that cost exceeds the gain, and
 * `auto` keeps one worker (workerCount.ts).
 */
import type { Analysis } from '../../spec/analyze';
import { pair } from '../../spec/layers';
import type { NetworkInfo } from '../../spec/network';
import type { LayerSpec } from '../../spec/types';

export function forwardMacsPerSample(analysis: Analysis): number {
  const spec = analysis.spec;
  if (!spec) return 0;
  const network = (info: NetworkInfo | undefined, layers: LayerSpec[]) => {
    let macs = 0;
    for (const layer of info?.layers ?? []) {
      const shape = layer.outputShape;
      if (layer.type === 'dense') macs += layer.trainableParams;
      if ((layer.type === 'conv2d' || layer.type === 'conv2dTranspose') && shape && shape.length === 3) {
        // A convolution applies its kernel at every output position; a transposed one at every input position.
        const stride = layer.type === 'conv2dTranspose' ? pair((layers[layer.index] as { stride?: number | [number, number] }).stride, 1) : [1, 1];
        macs += (layer.trainableParams * shape[0] * shape[1]) / (stride[0] * stride[1]);
      }
    }
    return macs;
  };
  return network(analysis.generator, spec.generator.layers) + network(analysis.discriminator, spec.discriminator.layers);
}
