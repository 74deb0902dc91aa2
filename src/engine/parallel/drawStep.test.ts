import * as assert from 'node:assert/strict';
import type { Batch } from '../data';
import { splitUpdate } from './drawStep';
import { stepTransfers } from './messages';

describe('engine/parallel: cutting a batch into shards', () => {
  const batch: Batch = {
    count: 6,
    images: Float32Array.from({ length: 6 * 4 }, (_, i) => i),
    labels: Int32Array.from([0, 1, 2, 3, 4, 5]),
    sources: Float32Array.from({ length: 6 * 2 }, (_, i) => -i),
  };
  const latents = Float32Array.from({ length: 6 * 3 }, (_, i) => i / 10);
  const epsilon = Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);

  it('gives each worker a contiguous share of every array, which together make the batch', () => {
    const shards = splitUpdate(batch, latents, epsilon, 42, 3, 3);
    assert.deepEqual(shards.map((s) => s.count), [2, 2, 2]);
    const joined = (key: 'images' | 'sources' | 'latents' | 'epsilon') => shards.flatMap((s) => Array.from(s[key]!));
    assert.deepEqual(joined('images'), Array.from(batch.images));
    assert.deepEqual(joined('sources'), Array.from(batch.sources!));
    assert.deepEqual(joined('latents'), Array.from(latents));
    assert.deepEqual(joined('epsilon'), Array.from(epsilon));
    assert.deepEqual(Array.from(shards[1].labels!), [2, 3]);
    assert.deepEqual(shards.map((s) => s.dropoutSeed), [42, 42, 42], 'each worker derives its own masks from the one seed');
  });

  it('copies: transferring the shards to workers leaves the batch (which a data cache may hold) intact', () => {
    const shards = splitUpdate(batch, latents, undefined, undefined, 3, 2);
    const buffers = stepTransfers({ discriminator: [shards[0]], generator: shards[1] });
    assert.equal(buffers.length, 8, 'images, labels, sources, latents of two shards');
    structuredClone(shards, { transfer: buffers });
    assert.equal(shards[0].images.length, 0, 'transferred away');
    assert.equal(batch.images.length, 24);
    assert.equal(latents.length, 18);
  });
});
