import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { TrainerEvent } from '../protocol';
import { findLatestCheckpoint, listCheckpoints, readMetrics, readRunInfo, readSamples } from '../run';
import { tinyDcganSpec, tinyRingSpec, writeDigitsIdx } from '../engine/testFixtures';
import { EventChannel, METRICS_INTERVAL_MS } from './channel';
import { startTrainer, TrainerHandle } from './client';
import type { TrainerJob } from './job';
import { FAULT_ENV } from '../engine/parallel/messages';

function collect(trainer: TrainerHandle): TrainerEvent[] {
  const events: TrainerEvent[] = [];
  trainer.onEvent((e) => events.push(e));
  return events;
}

function once<T extends TrainerEvent['type']>(trainer: TrainerHandle, type: T, predicate: (e: Extract<TrainerEvent, { type: T }>) => boolean = () => true): Promise<Extract<TrainerEvent, { type: T }>> {
  return new Promise((resolve) => {
    const off = trainer.on(type, (e) => {
      if (predicate(e)) {
        off();
        resolve(e);
      }
    });
  });
}

describe('trainer process', function () {
  this.timeout(60000);
  let dir: string;
  let runsDir: string;
  const specFile = (name: string, spec: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(spec, null, 2));
    return file;
  };
  const started: TrainerHandle[] = [];
  const train = (job: Partial<TrainerJob> & Record<string, unknown>) => {
    const trainer = startTrainer({ kind: 'train', runsDir, backend: 'wasm', ...job } as TrainerJob);
    started.push(trainer);
    return trainer;
  };
  // A failed test must not leave a trainer running (its IPC channel would keep mocha alive).
  afterEach(() => started.splice(0).forEach((t) => t.kill()));

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gan-trainer-'));
    runsDir = join(dir, 'runs');
    writeDigitsIdx(dir, 300);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('trains a conditional DCGAN run: events in order, metrics.jsonl, PNG samples, checkpoints, log.txt; then resumes it', async () => {
    const file = specFile('dcgan.gan.json', tinyDcganSpec({ images: 'images-idx3-ubyte.gz', labels: 'labels-idx1-ubyte.gz', conditional: true }));
    const trainer = train({ specFile: file });
    const events = collect(trainer);
    const exit = await trainer.exited;
    assert.equal(exit.crashed, false, exit.summary + exit.stderrTail.join('\n'));
    assert.equal(exit.code, 0);
    const types = events.map((e) => e.type);
    assert.ok(types.indexOf('progress') < types.indexOf('started') && types.indexOf('started') < types.indexOf('metrics'));
    assert.equal(types[types.length - 1], 'finished');
    const started = events.find((e) => e.type === 'started') as Extract<TrainerEvent, { type: 'started' }>;
    assert.equal(started.backend.name, 'wasm');
    assert.equal(started.totalSteps, 6);
    assert.equal(started.generator.outputShape.join(), '28,28,1');
    const points = events.flatMap((e) => (e.type === 'metrics' ? e.points : []));
    assert.deepEqual(points.map((p) => p.step), [1, 2, 3, 4, 5, 6]);
    const runDir = started.run.dir;
    assert.deepEqual(readMetrics(runDir).map((p) => p.step), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(readSamples(runDir).map((s) => s.step), [0, 3, 6]);
    const meta = await sharp(join(runDir, readSamples(runDir)[2].file)).metadata();
    assert.equal(meta.format, 'png');
    assert.deepEqual(listCheckpoints(runDir).map((c) => c.step), [3, 6]);
    assert.equal(readRunInfo(runDir)?.status, 'completed');
    assert.equal(readRunInfo(runDir)?.checkpointStep, 6);
    assert.match(readFileSync(join(runDir, 'log.txt'), 'utf8'), /backend: using wasm[\s\S]*data: 300 images[\s\S]*checkpoint: step 6/);

    // Resume to step 9: the same run folder, history continued.
    const resumed = train({ resume: runDir, steps: 9 });
    const resumedEvents = collect(resumed);
    const exit2 = await resumed.exited;
    assert.equal(exit2.code, 0, exit2.summary);
    const started2 = resumedEvents.find((e) => e.type === 'started') as Extract<TrainerEvent, { type: 'started' }>;
    assert.equal(started2.run.dir, runDir);
    assert.equal(started2.run.step, 6);
    assert.deepEqual(readMetrics(runDir).map((p) => p.step), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(readRunInfo(runDir)?.totalSteps, 9);
    assert.equal(findLatestCheckpoint(runDir)?.step, 9);
  });

  it('batches metric points: none sent at once, all sent in one message when flushed; other events flush them first', async () => {
    const sent: TrainerEvent[] = [];
    const channel = new EventChannel((event, done) => {
      sent.push(event);
      setImmediate(done);
    });
    const point = (step: number) => ({ step, epoch: 0, time: step, dLoss: 1, gLoss: 1, parts: {} });
    for (let step = 1; step <= 50; step++) channel.metric(point(step));
    assert.equal(sent.length, 0, 'queued, not sent');
    channel.flushMetrics();
    assert.equal(sent.length, 1);
    assert.deepEqual(sent[0].type === 'metrics' && sent[0].points.map((p) => p.step), Array.from({ length: 50 }, (_, i) => i + 1));
    channel.metric(point(51));
    channel.emit({ type: 'checkpoint', step: 51, dir: '/x' });
    assert.deepEqual(sent.slice(1).map((e) => e.type), ['metrics', 'checkpoint'], 'a checkpoint event never overtakes the metrics of its step');
    channel.metric(point(52));
    await new Promise((r) => setTimeout(r, METRICS_INTERVAL_MS + 50));
    assert.equal(sent.length, 4, 'the timer sends what is queued');
    await channel.drain();
  });

  for (const workers of [1, 2]) {
    it(`pause, resume, sample-now and walk commands; stop writes a checkpoint and ends "stopped" (${workers} worker${workers > 1 ? 's' : ''})`, async () => {
      const trainer = train({ workers, specFile: specFile('long.gan.json', tinyDcganSpec({ images: 'images-idx3-ubyte.gz', training: { steps: 100000, sampleEvery: 100000, checkpointEvery: 100000 } })) });
      const events = collect(trainer);
      await once(trainer, 'metrics');
      trainer.send({ type: 'pause' });
      const paused = await once(trainer, 'state', (e) => e.status === 'paused');
      const walked = once(trainer, 'walk');
      const sampled = once(trainer, 'samples', (e) => e.sample.step === paused.step);
      trainer.send({ type: 'sample-now' });
      trainer.send({ type: 'walk', requestId: 'w1', from: 0, to: 3, frames: 5 });
      const [walk, sample] = await Promise.all([walked, sampled]);
      assert.equal(sample.sample.step, paused.step, 'served while paused, at the paused step');
      const strip = await sharp(walk.file).metadata();
      assert.deepEqual([strip.width, strip.height], [5 * 30 + 2, 32]);
      trainer.send({ type: 'resume' });
      await once(trainer, 'state', (e) => e.status === 'running');
      await once(trainer, 'metrics', (e) => e.points.some((p) => p.step > paused.step));
      trainer.stop();
      const exit = await trainer.exited;
      assert.equal(exit.code, 0, exit.summary);
      assert.equal(exit.finished?.status, 'stopped');
      const started = events.find((e) => e.type === 'started') as Extract<TrainerEvent, { type: 'started' }>;
      const info = readRunInfo(started.run.dir)!;
      assert.equal(info.status, 'stopped');
      const checkpoint = findLatestCheckpoint(started.run.dir)!;
      assert.equal(checkpoint.step, exit.finished!.step);
      // The optimisers' own step counts: the checkpoint holds the state of the last step, wherever it was trained.
      const optimizers = JSON.parse(readFileSync(join(checkpoint.dir, 'optimizers.json'), 'utf8'));
      assert.deepEqual([optimizers.generator.step, optimizers.discriminator.step], [checkpoint.step, checkpoint.step]);
      assert.ok(exit.finished!.step > paused.step);
    });
  }

  it('a SIGKILLed trainer is reported as crashed; the run folder keeps what it wrote', async () => {
    const trainer = train({ specFile: specFile('kill.gan.json', tinyRingSpec({ training: { steps: 100000, checkpointEvery: 50 } })) });
    const started = await once(trainer, 'started');
    await once(trainer, 'checkpoint');
    trainer.kill();
    const exit = await trainer.exited;
    assert.equal(exit.crashed, true);
    assert.equal(exit.signal, 'SIGKILL');
    assert.match(exit.summary, /killed \(SIGKILL\) before finishing.*last complete checkpoint/);
    assert.ok(findLatestCheckpoint(started.run.dir)!.step >= 50);
    assert.ok(readMetrics(started.run.dir).length > 0);
  });

  it('kill -9 during checkpoint writes, again and again: the latest checkpoint always loads and the run resumes', async () => {
    // Weights big enough (≈ 530k parameters: 6 MB a checkpoint with Adam's slots) that a good share of
    // kills land mid-write (src/run/run.test.ts kills a bare checkpoint writer, where nearly all do).
    const heavy = tinyRingSpec({ width: 512, training: { steps: 100000, checkpointEvery: 1, sampleEvery: 100000 } }) as { generator: { layers: unknown[] }; discriminator: { layers: unknown[] } };
    heavy.generator.layers.splice(1, 0, { type: 'dense', units: 512, activation: 'relu' });
    heavy.discriminator.layers.splice(2, 0, { type: 'dense', units: 512 }, { type: 'leakyRelu', alpha: 0.2 });
    const file = specFile('heavy.gan.json', heavy);
    let runDir: string | undefined;
    let lastStep = 0;
    const rounds = 6;
    for (let round = 0; round < rounds; round++) {
      const trainer = runDir ? train({ resume: runDir, steps: 100000 }) : train({ specFile: file });
      const started = await once(trainer, 'started');
      runDir = started.run.dir;
      // One cycle = a step + a checkpoint; kill at a different point of the cycle each round.
      const cycle = await new Promise<number>((resolve) => {
        const times: number[] = [];
        const off = trainer.on('checkpoint', () => {
          times.push(Date.now());
          if (times.length === 3) {
            off();
            resolve((times[2] - times[0]) / 2);
          }
        });
      });
      await new Promise((r) => setTimeout(r, (cycle * (round + 0.5)) / rounds));
      trainer.kill();
      const exit = await trainer.exited;
      assert.equal(exit.crashed, true);
      const latest = findLatestCheckpoint(runDir);
      assert.ok(latest && latest.step >= lastStep + 3, `round ${round}: a complete checkpoint after step ${lastStep}`);
      lastStep = latest.step;
    }
    // The run finishes from where it was killed, and its checkpoint loads.
    const finisher = train({ resume: runDir!, steps: lastStep + 3 });
    const exit = await finisher.exited;
    assert.equal(exit.code, 0, exit.summary + exit.stderrTail.join('\n'));
    assert.equal(findLatestCheckpoint(runDir!)?.step, lastStep + 3);
    assert.deepEqual(readMetrics(runDir!).slice(-3).map((p) => p.step), [lastStep + 1, lastStep + 2, lastStep + 3]);
  });

  it('a diverging run stops with a clear message and keeps the last good checkpoint', async () => {
    const spec = tinyRingSpec({ training: { steps: 50, checkpointEvery: 1, generatorOptimizer: { kind: 'sgd', learningRate: 1e4 }, discriminatorOptimizer: { kind: 'sgd', learningRate: 1e4 } } });
    const trainer = train({ specFile: specFile('nan.gan.json', spec) });
    const events = collect(trainer);
    const exit = await trainer.exited;
    assert.equal(exit.code, 1);
    assert.equal(exit.finished?.status, 'failed');
    const error = events.find((e) => e.type === 'error') as Extract<TrainerEvent, { type: 'error' }>;
    assert.match(error.message, /Training diverged at step (\d+): .*(NaN|Infinity).*The last good checkpoint \(step \d+\) is kept/);
    const failedStep = Number(/at step (\d+)/.exec(error.message)![1]);
    assert.ok(failedStep > 1, 'this learning rate diverges after a few good steps');
    const started = events.find((e) => e.type === 'started') as Extract<TrainerEvent, { type: 'started' }>;
    assert.equal(readRunInfo(started.run.dir)?.status, 'failed');
    assert.equal(findLatestCheckpoint(started.run.dir)?.step, failedStep - 1);
  });

  it('trains on 2 data-parallel workers when asked: says so, samples and checkpoints from the replicas, and a resumed run repeats the uninterrupted one exactly', async () => {
    const file = specFile('dp.gan.json', tinyDcganSpec({ images: 'images-idx3-ubyte.gz', training: { steps: 6, sampleEvery: 3, checkpointEvery: 3 } }));
    const whole = train({ specFile: file, workers: 2 });
    const events = collect(whole);
    const exit = await whole.exited;
    assert.equal(exit.code, 0, exit.summary + exit.stderrTail.join('\n'));
    const started = events.find((e) => e.type === 'started') as Extract<TrainerEvent, { type: 'started' }>;
    assert.ok(started.backend.notes.some((n) => /^2 workers \(data-parallel: each trains on 8 of the 16 samples of every batch, gradients averaged; batch norm statistics per shard of 8/.test(n)), started.backend.notes.join('\n'));
    assert.match(readFileSync(join(started.run.dir, 'log.txt'), 'utf8'), /workers: 2 workers \(data-parallel/);
    assert.deepEqual(readSamples(started.run.dir).map((s) => s.step), [0, 3, 6]);
    assert.deepEqual(listCheckpoints(started.run.dir).map((c) => c.step), [3, 6]);

    // The same run in two parts: to step 3, then resumed (new trainer process, new workers) to 6.
    const first = train({ specFile: file, workers: 2, steps: 3 });
    const firstStarted = once(first, 'started');
    assert.equal((await first.exited).code, 0);
    const runDir = (await firstStarted).run.dir;
    const second = train({ resume: runDir, workers: 2, steps: 6 });
    assert.equal((await second.exited).code, 0);
    const numbers = (dir: string) => readMetrics(dir).map((p) => ({ step: p.step, epoch: p.epoch, dLoss: p.dLoss, gLoss: p.gLoss, parts: p.parts, dOfReal: p.dOfReal, dOfFake: p.dOfFake }));
    assert.deepEqual(numbers(runDir), numbers(started.run.dir));
  });

  it('a data-parallel worker that dies ends the run: failed, a clear message, the last good checkpoint kept, no hang', async () => {
    const file = specFile('dp-crash.gan.json', tinyDcganSpec({ images: 'images-idx3-ubyte.gz', training: { steps: 100, checkpointEvery: 2, sampleEvery: 100 } }));
    // Worker 1 ends its thread abruptly in its 5th step, while worker 0 waits for its gradients.
    const trainer = startTrainer({ kind: 'train', runsDir, backend: 'wasm', specFile: file, workers: 2 }, { env: { ...process.env, [FAULT_ENV]: '1:5:exit' } });
    started.push(trainer);
    const events = collect(trainer);
    const exit = await trainer.exited;
    assert.equal(exit.code, 1, exit.summary);
    assert.equal(exit.finished?.status, 'failed');
    const error = events.find((e) => e.type === 'error') as Extract<TrainerEvent, { type: 'error' }>;
    assert.equal(error.message, 'Data-parallel worker 1 exited unexpectedly (exit code 3). The last good checkpoint (step 4) is kept.');
    const run = (events.find((e) => e.type === 'started') as Extract<TrainerEvent, { type: 'started' }>).run.dir;
    assert.equal(readRunInfo(run)?.status, 'failed');
    assert.equal(findLatestCheckpoint(run)?.step, 4);
    assert.deepEqual(readMetrics(run).map((p) => p.step), [1, 2, 3, 4]);
  });

  it('fails before creating a run for a missing data folder, an empty data set or a spec with errors', async () => {
    const cases: [unknown, RegExp][] = [
      [{ ...tinyDcganSpec({ images: 'no-such/images.gz' }) }, /no-such/],
      [{ ...tinyDcganSpec({ images: 'images-idx3-ubyte.gz', training: { batchSize: 512 } }) }, /batch|fewer/i],
      [{ ...tinyRingSpec(), generator: { layers: [{ type: 'dense', units: 3 }] } }, /error/],
    ];
    const runsBefore = existsSync(runsDir) ? readdirSync(runsDir).length : 0;
    for (const [i, [spec, pattern]] of cases.entries()) {
      const trainer = train({ specFile: specFile(`bad${i}.gan.json`, spec) });
      const events = collect(trainer);
      const exit = await trainer.exited;
      assert.equal(exit.code, 1, `case ${i}`);
      const error = events.find((e) => e.type === 'error') as Extract<TrainerEvent, { type: 'error' }>;
      assert.match(error.message, pattern, `case ${i}: ${error.message}`);
      assert.ok(!events.some((e) => e.type === 'started'), 'no run started');
    }
    assert.equal(existsSync(runsDir) ? readdirSync(runsDir).length : 0, runsBefore, 'no new run folders');
  });
});
