/**
 * The inputs of one data-parallel training step, drawn by the coordinator from the
 * session's data stream and seeded random stream, then cut into one shard per worker.
 *
 * Drawing everything in one place, for the whole batch, in a fixed order, is what makes
 * a run with the same seed and worker count repeat exactly and resume exactly: the
 * session's checkpointed state (data position, random state) determines every number a
 * worker sees. Per update, in this order:
 *   D update (× discriminatorSteps):  the next real batch; latents (whole batch);
 *                                     WGAN-GP's ε (whole batch); one dropout seed
 *   G update:                         the last real batch again; latents; one dropout seed
 * The dropout seed is drawn only when a network has dropout, and ε only for WGAN-GP, so
 * a GAN without dropout sees the very latents (and ε) a one-worker run draws.
 */
import type { Batch } from '../data';
import { drawLatents } from '../fixedBatch';
import type { Gan } from '../gan';
import type { TrainingSession } from '../training';
import { needsMixingWeights } from '../updates';
import { shardOf } from '../wasm/dataParallel';
import type { Shard, ShardStep } from './messages';

/** Whether either network has a dropout layer (whose masks the step must seed). */
export function hasDropout(gan: Gan): boolean {
  return [...gan.spec.generator.layers, ...gan.spec.discriminator.layers].some((layer) => layer.type === 'dropout');
}

/** Draws one step's inputs and returns each worker's share (index = rank). */
export async function drawStep(session: TrainingSession, workers: number): Promise<ShardStep[]> {
  const gan = session.gan;
  const random = session.random;
  const dropout = hasDropout(gan);
  const latentSize = gan.latentSize;
  const latents = (count: number) => (latentSize ? drawLatents(random, count, latentSize, gan.spec.latent?.distribution) : undefined);

  const dUpdates: Array<Shard[]> = [];
  let batch: Batch | undefined;
  for (let k = 0; k < session.discriminatorSteps; k++) {
    batch = await session.nextBatch();
    const z = latents(batch.count);
    const epsilon = needsMixingWeights(gan) ? random.fillUniform(new Float32Array(batch.count)) : undefined;
    const dropoutSeed = dropout ? random.nextUint32() : undefined;
    dUpdates.push(splitUpdate(batch, z, epsilon, dropoutSeed, latentSize ?? 0, workers));
  }
  const last = batch!;
  const gLatents = latents(last.count);
  const gDropoutSeed = dropout ? random.nextUint32() : undefined;
  const gUpdate = splitUpdate(last, gLatents, undefined, gDropoutSeed, latentSize ?? 0, workers);
  return Array.from({ length: workers }, (_, rank) => ({ discriminator: dUpdates.map((shards) => shards[rank]), generator: gUpdate[rank] }));
}

/** Cuts one update's whole-batch arrays into `workers` shards (copies: they are transferred). */
export function splitUpdate(batch: Batch, latents: Float32Array | undefined, epsilon: Float32Array | undefined, dropoutSeed: number | undefined, latentSize: number, workers: number): Shard[] {
  const n = batch.count;
  const sampleSize = batch.images.length / n;
  const sourceSize = batch.sources ? batch.sources.length / n : 0;
  return Array.from({ length: workers }, (_, rank) => {
    const { start, size } = shardOf(n, rank, workers);
    const end = start + size;
    return {
      count: size,
      images: batch.images.slice(start * sampleSize, end * sampleSize),
      labels: batch.labels?.slice(start, end),
      sources: batch.sources?.slice(start * sourceSize, end * sourceSize),
      latents: latents?.slice(start * latentSize, end * latentSize),
      epsilon: epsilon?.slice(start, end),
      dropoutSeed,
    };
  });
}
