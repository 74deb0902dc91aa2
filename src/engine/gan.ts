/**
 * A GAN as the engine uses it: both networks built from the analysed spec, the loss
 * settings, and how each network's named inputs are fed. Shared by training and by the
 * one-shot jobs (sample, walk) that load a checkpoint.
 */
import * as tf from '@tensorflow/tfjs';
import type { Analysis } from '../spec/analyze';
import type { GanSpec, NetworkInputName, Shape } from '../spec/types';
import { LossConfig, lossConfig } from './losses';
import { BuiltNetwork, buildGan, countParams } from './model/build';
import type { NetworkSummary } from '../protocol';

/** What feeds the networks besides D's sample. */
export interface Conditioning {
  label?: tf.Tensor;
  source?: tf.Tensor;
}

export class Gan {
  private constructor(
    readonly spec: GanSpec,
    readonly generator: BuiltNetwork,
    readonly discriminator: BuiltNetwork,
    readonly loss: LossConfig,
    readonly dataShape: Shape,
    readonly sourceShape: Shape | undefined,
  ) {}

  /** Builds both networks; the analysis must have no errors. */
  static build(analysis: Analysis, seed: number): Gan {
    const { generator, discriminator } = buildGan(analysis, { seed });
    const spec = analysis.spec!;
    const sourceShape = analysis.generator!.inputs.find((i) => i.name === 'source')?.shape ?? analysis.discriminator!.inputs.find((i) => i.name === 'source')?.shape;
    return new Gan(spec, generator, discriminator, lossConfig(spec.loss, discriminator.endsInSigmoid), analysis.dataShape ?? generator.outputShape, sourceShape);
  }

  get latentSize(): number | undefined {
    return this.generator.inputNames.includes('latent') ? this.spec.latent?.size : undefined;
  }

  /** Classes of the condition, when either network reads the label. */
  get classes(): number | undefined {
    const reads = this.generator.inputNames.includes('label') || this.discriminator.inputNames.includes('label');
    return reads ? this.spec.condition?.classes : undefined;
  }

  get paired(): boolean {
    return this.sourceShape !== undefined;
  }

  /** G's samples; `training` switches batch norm to batch statistics and dropout on. */
  generate(latent: tf.Tensor | undefined, conditioning: Conditioning, training: boolean): tf.Tensor {
    return this.generator.model.apply(this.feed(this.generator, { latent, ...conditioning }), { training }) as tf.Tensor;
  }

  /** D's output (logits where the spec ends in a sigmoid, else its raw output). */
  discriminate(image: tf.Tensor, conditioning: Conditioning, training: boolean): tf.Tensor {
    return this.discriminator.model.apply(this.feed(this.discriminator, { image, ...conditioning }), { training }) as tf.Tensor;
  }

  private feed(network: BuiltNetwork, values: Partial<Record<NetworkInputName, tf.Tensor>>): tf.Tensor[] {
    return network.inputNames.map((name) => {
      const value = values[name];
      if (!value) throw new Error(`The ${network.role} needs its "${name}" input.`);
      return value;
    });
  }

  trainableVariables(role: 'generator' | 'discriminator'): tf.Variable[] {
    return this[role].model.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  summary(role: 'generator' | 'discriminator'): NetworkSummary {
    const counts = countParams(this[role].model);
    return { trainableParams: counts.trainable, nonTrainableParams: counts.nonTrainable, outputShape: this[role].outputShape };
  }

  dispose(): void {
    this.generator.model.dispose();
    this.discriminator.model.dispose();
  }
}
