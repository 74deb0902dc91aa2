import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeText } from '../../spec';
import { tinyDcganSpec, tinyRingSpec } from '../testFixtures';
import { forwardMacsPerSample } from './work';
import { AUTO_MIN_SHARD_MACS, chooseWorkers, WorkerCountInput } from './workerCount';

const base: WorkerCountInput = { backend: 'wasm', gpu: false, batchSize: 64, cpus: 2, batchNorm: false };

describe('engine/parallel: how many workers', () => {
  it('auto: one per core on wasm and cpu, up to 4, when the batch splits into equal shards that pay', () => {
    assert.equal(chooseWorkers(base).workers, 2);
    assert.equal(chooseWorkers({ ...base, backend: 'cpu' }).workers, 2);
    assert.equal(chooseWorkers({ ...base, cpus: 16 }).workers, 4);
    assert.equal(chooseWorkers({ ...base, cpus: 16, batchSize: 24 }).workers, 3, 'the most workers that split the batch evenly into shards of 8 or more');
    assert.equal(chooseWorkers({ ...base, cpus: 1 }).note, '1 worker: this machine has 1 CPU core');
    assert.equal(chooseWorkers({ ...base, batchSize: 1 }).note, '1 worker: batch 1 cannot be split');
    assert.equal(chooseWorkers({ ...base, batchSize: 3 }).note, '1 worker: batch 3 cannot be split');
    assert.equal(chooseWorkers({ ...base, batchSize: 7 }).note, '1 worker: batch 7 does not split into 2 equal shards of 2 or more samples');
    assert.equal(chooseWorkers({ ...base, batchSize: 8, macsPerSample: 1e9 }).workers, 1, 'shards of 4 do not pay, however big the network');
    assert.equal(chooseWorkers({ ...base, batchSize: 16 }).workers, 2);
  });

  it('says what data parallelism changes: shard size, and batch norm statistics per shard when there is batch norm', () => {
    assert.equal(chooseWorkers(base).note, '2 workers (data-parallel: each trains on 32 of the 64 samples of every batch, gradients averaged)');
    assert.equal(
      chooseWorkers({ ...base, batchSize: 256, batchNorm: true }).note,
      '2 workers (data-parallel: each trains on 128 of the 256 samples of every batch, gradients averaged; batch norm statistics per shard of 128, like PyTorch DDP without SyncBatchNorm)',
    );
  });

  it('native backends: always 1 (they use every core or the GPU themselves), even when more are asked for', () => {
    assert.deepEqual(chooseWorkers({ ...base, backend: 'tensorflow' }), { workers: 1, note: '1 worker: the tensorflow backend already uses every core' });
    assert.equal(chooseWorkers({ ...base, backend: 'tensorflow', gpu: true, requested: 2 }).note, '1 worker: the tensorflow backend already uses the GPU (--workers 2 applies to the wasm and cpu backends only)');
  });

  it('asked-for counts: 1 is 1; more than the cores is allowed; a count that does not split the batch falls back to one that does, and says so', () => {
    assert.deepEqual(chooseWorkers({ ...base, requested: 1 }), { workers: 1, note: '1 worker (as asked)' });
    assert.equal(chooseWorkers({ ...base, requested: 8 }).workers, 8);
    assert.equal(chooseWorkers({ ...base, batchSize: 4, requested: 2 }).workers, 2, 'shards of 2 when asked for');
    const three = chooseWorkers({ ...base, requested: 3 });
    assert.equal(three.workers, 2);
    assert.match(three.note, /; 3 asked for, but batch 64 does not split into 3 equal shards of 2 or more\)$/);
    assert.equal(chooseWorkers({ ...base, requested: 0 }).workers, 2, '0 means auto');
  });

  it('auto keeps 1 worker for networks too small to gain; an explicit count still splits them', () => {
    const tiny = chooseWorkers({ ...base, batchSize: 16, macsPerSample: 250e3 });
    assert.equal(tiny.workers, 1);
    assert.equal(tiny.note, '1 worker: too little work per step to gain from splitting the batch (shards of 8 samples, 2 M multiply-adds; auto splits from 8 samples and 200 M multiply-adds a shard; --workers 2 forces it)');
    assert.equal(chooseWorkers({ ...base, batchSize: 16, macsPerSample: 250e3, requested: 2 }).workers, 2);
    assert.equal(chooseWorkers({ ...base, macsPerSample: AUTO_MIN_SHARD_MACS / 32 }).workers, 2, 'exactly at the threshold');
  });

  it('sizes the work of the examples and fixtures: the MNIST DCGANs split, the ring and the tests\' tiny DCGAN do not', () => {
    const examples = join(__dirname, '..', '..', '..', '..', 'examples');
    const macs = (text: string) => forwardMacsPerSample(analyzeText(text));
    const dcgan = macs(readFileSync(join(examples, 'dcgan-mnist.gan.json'), 'utf8'));
    // G: dense 100→12544 (1.25 M), convT 5×5 256→128 at 7×7 (40.1 M), 128→64 at 14×14 /2 (10.0 M), 64→1 at 28×28 /2 (0.3 M); D: 0.3 M + 10.0 M.
    assert.ok(Math.abs(dcgan - 62.1e6) < 0.5e6, `dcgan-mnist: ${dcgan}`);
    assert.equal(chooseWorkers({ ...base, batchSize: 256, macsPerSample: dcgan }).workers, 2);
    assert.equal(chooseWorkers({ ...base, batchSize: 16, macsPerSample: macs(JSON.stringify(tinyDcganSpec({ images: 'x', conditional: true }))) }).workers, 1);
    assert.equal(chooseWorkers({ ...base, macsPerSample: macs(readFileSync(join(examples, 'gan-2d-ring.gan.json'), 'utf8')) }).workers, 1);
    assert.ok(macs(JSON.stringify(tinyRingSpec())) < 1000);
  });
});
