import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { MetricPoint } from '../../protocol';
import { createRun, findLatestCheckpoint } from '../../run';
import { resolveBackend } from '../backend';
import { restoreCheckpoint, saveCheckpoint } from '../checkpoint';
import { sessionFor, tinyDcganSpec, tinyRingSpec, writeDigitsIdx } from '../testFixtures';
import { TrainingSession } from '../training';
import { DataParallelError, DataParallelTrainer } from './coordinator';
import type { ReplicaState } from './messages';
import { captureReplica } from './replica';

async function steps(step: () => Promise<MetricPoint>, n: number): Promise<MetricPoint[]> {
  const points: MetricPoint[] = [];
  for (let i = 0; i < n; i++) points.push(await step());
  return points;
}

/** The parts of a metric point that must repeat exactly (not the timings). */
function losses(points: MetricPoint[]) {
  return points.map((p) => ({ step: p.step, epoch: p.epoch, dLoss: p.dLoss, gLoss: p.gLoss, parts: p.parts, dOfReal: p.dOfReal, dOfFake: p.dOfFake }));
}

/** Every array of a replica state, flattened in order (weights, then optimiser slots and steps). */
function flatten(state: ReplicaState): { arrays: Float32Array[]; steps: number[] } {
  const o = state.optimizers!;
  return { arrays: [...state.generator, ...state.discriminator, ...o.generator.arrays, ...o.discriminator.arrays], steps: [o.generator.step, o.discriminator.step] };
}

function bitsEqual(a: Float32Array[], b: Float32Array[]): boolean {
  return a.length === b.length && a.every((x, i) => Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(Buffer.from(b[i].buffer, b[i].byteOffset, b[i].byteLength)));
}

/** A WGAN-GP on the ring with 2 critic steps: no batch norm, no dropout (shards then add up to the batch exactly). */
function wganRing(): Record<string, unknown> {
  return tinyRingSpec({ loss: { kind: 'wasserstein', gradientPenalty: 10 }, sigmoid: false, training: { discriminatorSteps: 2, batchSize: 32 } });
}

describe('engine/parallel: data-parallel training on worker threads', function () {
  this.timeout(60000);
  let dir: string;
  let digits: { images: string; labels: string };
  const open: Array<{ close(): Promise<void> }> = [];
  const sessions: TrainingSession[] = [];
  const session = async (spec: unknown) => {
    const s = await sessionFor(spec, dir);
    sessions.push(s);
    return s;
  };
  const start = async (s: TrainingSession, workers: number, fault?: { rank: number; step: number; kind: 'throw' | 'exit' }) => {
    const trainer = await DataParallelTrainer.start(s, { workers, backend: 'wasm', fault });
    open.push(trainer);
    return trainer;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gan-parallel-'));
    digits = writeDigitsIdx(dir, 300);
    assert.equal((await resolveBackend({ choice: 'wasm' })).name, 'wasm');
  });
  afterEach(async () => {
    // A failed test must not leave threads running (they would keep mocha alive).
    await Promise.all(open.splice(0).map((t) => t.close()));
    sessions.splice(0).forEach((s) => s.dispose());
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await tf.setBackend('cpu');
  });

  it('1 worker through the whole machinery computes bit for bit what the one-core step does (WGAN-GP with 2 critic steps; a conditional DCGAN with batch norm)', async () => {
    // Same data order, latents, labels and ε, the state broadcast, the exchange, the metric means: any slip shows in the last bit.
    // (Without dropout: a worker seeds its masks differently from the one-core step.)
    const conditional = tinyDcganSpec({ ...digits, conditional: true }) as { generator: { layers: Array<{ type: string }> }; discriminator: { layers: Array<{ type: string }> } };
    for (const network of [conditional.generator, conditional.discriminator]) network.layers = network.layers.filter((l) => l.type !== 'dropout');
    for (const spec of [wganRing(), conditional]) {
      const single = await session(spec);
      const expected = await steps(() => single.trainStep(), 4);
      const parallel = await start(await session(spec), 1);
      const actual = await steps(() => parallel.trainStep(), 4);
      assert.deepEqual(losses(actual), losses(expected));
    }
  });

  it('2 workers average to the whole batch: the same losses as one core, up to float rounding, when no batch norm couples a batch', async () => {
    const single = await session(wganRing());
    const expected = await steps(() => single.trainStep(), 6);
    const parallel = await start(await session(wganRing()), 2);
    const actual = await steps(() => parallel.trainStep(), 6);
    for (const [i, p] of actual.entries()) {
      for (const key of ['dLoss', 'gLoss'] as const) {
        const [a, e] = [p[key], expected[i][key]];
        assert.ok(Math.abs(a - e) <= 1e-4 * Math.max(1, Math.abs(e)), `step ${i + 1} ${key}: ${a} vs ${e}`);
      }
    }
    assert.notDeepEqual(losses(actual), losses(expected), 'two shards are not computed exactly like one batch (else this test would not test the split)');
  });

  it('2 workers with batch norm and dropout: replicas stay bit-identical (weights, moving statistics, optimiser slots), sync() copies them, no worker leaks tensors', async () => {
    const s = await session(tinyDcganSpec({ ...digits, conditional: true }));
    const parallel = await start(s, 2);
    await steps(() => parallel.trainStep(), 2); // warm-up: optimiser slots and kernel caches
    const before = await parallel.workerTensorCounts();
    const points = await steps(() => parallel.trainStep(), 4);
    assert.deepEqual(await parallel.workerTensorCounts(), before, 'tensors per worker after 4 more steps');
    for (const p of points) {
      assert.ok(Number.isFinite(p.dLoss) && Number.isFinite(p.gLoss));
      assert.ok(Math.abs(p.parts.dReal + p.parts.dFake - p.dLoss) < 1e-5, 'the parts add up');
      assert.ok(p.dOfReal! > 0 && p.dOfReal! < 1);
    }
    const [a, b] = await parallel.replicaStates();
    assert.ok(bitsEqual(flatten(a).arrays, flatten(b).arrays), 'the replicas drifted apart');
    assert.deepEqual(flatten(a).steps, [6, 6]);
    const initial = captureReplica(s, true);
    assert.ok(!bitsEqual(flatten(initial).arrays, flatten(a).arrays), 'the session lags until sync()');
    const tensorsBeforeSync = tf.memory().numTensors;
    await parallel.sync();
    assert.ok(bitsEqual(flatten(captureReplica(s, true)).arrays, flatten(a).arrays), 'sync() makes the session equal to the replicas');
    assert.equal(tf.memory().numTensors, tensorsBeforeSync, 'sync() leaks nothing');
    assert.equal(s.step, 6);
  });

  it('a resumed 2-worker run computes exactly the losses of an uninterrupted one (DCGAN with batch norm and dropout, across an epoch boundary)', async () => {
    const spec = tinyDcganSpec({ images: digits.images, training: { steps: 9 } });
    (spec.data as { limit?: number }).limit = 64; // 4 batches of 16 an epoch
    const runDir = createRun({ runsDir: join(dir, 'runs'), specText: JSON.stringify(spec), specFile: join(dir, 'x.gan.json'), name: 'resume-2', seed: 7, totalSteps: 9 }).dir;
    const a = await session(spec);
    const uninterrupted = await start(a, 2);
    await steps(() => uninterrupted.trainStep(), 3);
    await uninterrupted.sync();
    await saveCheckpoint(a, runDir);
    const expected = await steps(() => uninterrupted.trainStep(), 6);

    const b = await session(spec);
    await b.trainStep(); // a different state first: the restore must overwrite all of it
    await restoreCheckpoint(b, findLatestCheckpoint(runDir)!.dir);
    const resumed = await start(b, 2);
    const actual = await steps(() => resumed.trainStep(), 6);
    assert.deepEqual(losses(actual), losses(expected));
    assert.ok(expected[expected.length - 1].epoch > 2, 'the run crossed epochs');
  });

  for (const kind of ['throw', 'exit'] as const) {
    it(`a worker that ${kind === 'throw' ? 'throws mid-step' : 'dies mid-step'} fails the step with a clear DataParallelError, ends every worker, never hangs`, async () => {
      const parallel = await start(await session(tinyDcganSpec({ ...digits })), 2, { rank: 1, step: 3, kind });
      await steps(() => parallel.trainStep(), 2);
      const exits = parallel.threads.map((w) => new Promise<number>((resolve) => w.once('exit', resolve)));
      // Worker 0 waits at the gradient exchange for worker 1, which never arrives.
      await assert.rejects(parallel.trainStep(), (error: Error) => {
        assert.ok(error instanceof DataParallelError);
        assert.match(error.message, kind === 'throw' ? /^Data-parallel worker 1 failed: injected fault at step 3$/ : /^Data-parallel worker 1 exited unexpectedly \(exit code 3\)$/);
        return true;
      });
      await Promise.all(exits); // both threads ended, the blocked one too
      await assert.rejects(parallel.trainStep(), DataParallelError, 'a failed trainer stays failed');
      await assert.rejects(parallel.sync(), DataParallelError);
      await parallel.close();
    });
  }

  it('close() lets every worker dispose its replica and exit with code 0; the session stays usable', async () => {
    const s = await session(tinyRingSpec());
    const parallel = await start(s, 2);
    await steps(() => parallel.trainStep(), 2);
    const exits = parallel.threads.map((w) => new Promise<number>((resolve) => w.once('exit', resolve)));
    await parallel.sync();
    await parallel.close();
    assert.deepEqual(await Promise.all(exits), [0, 0]);
    const point = await s.trainStep();
    assert.equal(point.step, 3);
  });
});
