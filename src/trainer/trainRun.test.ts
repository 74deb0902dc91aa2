import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { TrainerEvent } from '../protocol';
import { tinyDcganSpec, writeDigitsIdx } from '../engine/testFixtures';
import { EventChannel } from './channel';
import { Controls } from './controls';
import { runTrainJob } from './trainRun';

describe('trainer: the train job in this process', function () {
  this.timeout(60000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gan-trainrun-'));
    writeDigitsIdx(dir, 100);
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    // runTrainJob started wasm in this process; leave the default the other tests expect.
    await tf.setBackend('cpu');
  });

  it('data-parallel workers that cannot start: a warning, and the run trains on 1 worker', async () => {
    const specFile = join(dir, 'dp.gan.json');
    writeFileSync(specFile, JSON.stringify(tinyDcganSpec({ images: 'images-idx3-ubyte.gz', training: { steps: 2 } })));
    const events: TrainerEvent[] = [];
    const channel = new EventChannel((event, done) => {
      events.push(event);
      done();
    });
    const status = await runTrainJob({ kind: 'train', specFile, runsDir: join(dir, 'runs'), backend: 'wasm', workers: 2 }, channel, new Controls(), { workerScript: join(dir, 'no-such-worker.js') });
    await channel.drain();
    assert.equal(status, 'completed');
    const warning = events.find((e) => e.type === 'warning') as Extract<TrainerEvent, { type: 'warning' }>;
    assert.match(warning.message, /^the data-parallel workers did not start \(Data-parallel worker \d .*no-such-worker\.js.*\); training on 1 worker$/);
    const started = events.find((e) => e.type === 'started') as Extract<TrainerEvent, { type: 'started' }>;
    assert.ok(started.backend.notes.includes('1 worker: the data-parallel workers did not start'));
    assert.match(readFileSync(join(started.run.dir, 'log.txt'), 'utf8'), /workers: 1 worker: the data-parallel workers did not start/);
    assert.deepEqual(events.flatMap((e) => (e.type === 'metrics' ? e.points.map((p) => p.step) : [])), [1, 2]);
  });

  it('sampleEvery and checkpointEvery of the job (the editor\'s settings) override the spec\'s', async () => {
    const specFile = join(dir, 'override.gan.json');
    writeFileSync(specFile, JSON.stringify(tinyDcganSpec({ images: 'images-idx3-ubyte.gz', training: { steps: 4, sampleEvery: 100, checkpointEvery: 100 } })));
    const events: TrainerEvent[] = [];
    const channel = new EventChannel((event, done) => {
      events.push(event);
      done();
    });
    const status = await runTrainJob({ kind: 'train', specFile, runsDir: join(dir, 'runs'), backend: 'cpu', workers: 1, sampleEvery: 2, checkpointEvery: 3 }, channel, new Controls());
    await channel.drain();
    assert.equal(status, 'completed');
    const samples = events.flatMap((e) => (e.type === 'samples' ? [e.sample.step] : []));
    const checkpoints = events.flatMap((e) => (e.type === 'checkpoint' ? [e.step] : []));
    // Sampled at the start, every 2 steps and at the end; checkpointed every 3 steps and at the end.
    assert.deepEqual([...new Set(samples)], [0, 2, 4]);
    assert.deepEqual([...new Set(checkpoints)], [3, 4]);
  });
});
