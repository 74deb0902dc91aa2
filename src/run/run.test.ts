import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  appendLog,
  appendMetrics,
  appendSampleRecord,
  CheckpointWriter,
  createRun,
  findLatestCheckpoint,
  listCheckpoints,
  listRuns,
  pruneCheckpoints,
  readLogTail,
  readMetrics,
  readRunInfo,
  readSamples,
  resolveRunDir,
  runPath,
  slug,
  truncateAfterStep,
  validateCheckpoint,
  writeRunInfo,
} from '.';
import type { MetricPoint } from '../protocol';

function metric(step: number): MetricPoint {
  return { step, epoch: step / 10, time: step * 100, dLoss: 1, gLoss: 2, parts: {} };
}

describe('run folders', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'gan-runs-'));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('creates a run with the frozen spec and lists runs newest first', () => {
    const a = createRun({ runsDir: root, specText: '{"a":1}', specFile: '/x/a.gan.json', name: 'DCGAN on MNIST', seed: 3, totalSteps: 10, now: new Date(2026, 0, 2, 3, 4, 5) });
    const b = createRun({ runsDir: root, specText: '{"b":1}', specFile: '/x/b.gan.json', name: 'DCGAN on MNIST', seed: 3, totalSteps: 10, now: new Date(2026, 0, 2, 3, 4, 5) });
    const c = createRun({ runsDir: root, specText: '{}', specFile: '/x/c.gan.json', name: 'Ring', seed: 1, totalSteps: 5, now: new Date(2026, 0, 3) });
    assert.equal(a.id, 'dcgan-on-mnist-20260102-030405');
    assert.equal(b.id, 'dcgan-on-mnist-20260102-030405-2', 'a second run in the same second gets its own folder');
    assert.equal(readFileSync(runPath(a.dir, 'spec'), 'utf8'), '{"a":1}');
    assert.deepEqual(listRuns(root).map((r) => r.id), [c.id, b.id, a.id]);
    writeRunInfo({ ...a, status: 'running', step: 4 });
    assert.equal(readRunInfo(a.dir)?.step, 4);
    assert.equal(resolveRunDir(a.id, root), a.dir);
    assert.equal(resolveRunDir(a.dir, '/nowhere'), a.dir);
    assert.equal(resolveRunDir('latest', root), c.dir);
    assert.equal(resolveRunDir('no-such-run', root), undefined);
    assert.equal(slug('  Ünïcode GAN: 2-D ring!  '), 'unicode-gan-2-d-ring');
  });

  it('reads metrics and samples, skipping a torn last line, and truncates after a step for resume', () => {
    const run = createRun({ runsDir: root, specText: '{}', specFile: 'a.gan.json', name: 'x', seed: 0, totalSteps: 10 });
    appendMetrics(run.dir, [metric(1), metric(2), metric(3)]);
    appendFileSync(runPath(run.dir, 'metrics'), '{"step": 4, "ep');
    assert.deepEqual(readMetrics(run.dir).map((m) => m.step), [1, 2, 3]);
    assert.deepEqual(readMetrics(run.dir, 2).map((m) => m.step), [3]);
    appendSampleRecord(run.dir, { step: 2, file: 'samples/step-000002.png', layout: { kind: 'grid', rows: 2, columns: 2 } });
    appendSampleRecord(run.dir, { step: 4, file: 'samples/step-000004.png', layout: { kind: 'grid', rows: 2, columns: 2 } });
    truncateAfterStep(run.dir, 2);
    assert.deepEqual(readMetrics(run.dir).map((m) => m.step), [1, 2]);
    assert.deepEqual(readSamples(run.dir).map((s) => s.step), [2]);
    appendMetrics(run.dir, [metric(3)]);
    assert.deepEqual(readMetrics(run.dir).map((m) => m.step), [1, 2, 3], 'appending after a truncation starts on a new line');
    appendLog(run.dir, 'hello');
    assert.match(readLogTail(run.dir)[0], /^\d{4}-.*Z hello$/);
  });

  it('publishes checkpoints atomically, finds the newest complete one, replaces a step and prunes', () => {
    const run = createRun({ runsDir: root, specText: '{}', specFile: 'a.gan.json', name: 'x', seed: 0, totalSteps: 10 });
    for (const step of [5, 10, 15]) {
      const writer = new CheckpointWriter(run.dir, step);
      writer.writeFile('weights.bin', new Uint8Array(100 + step));
      writer.writeFile('state.json', JSON.stringify({ step }));
      writer.commit();
    }
    // A checkpoint whose writer died before commit is invisible.
    const dead = new CheckpointWriter(run.dir, 20);
    dead.writeFile('weights.bin', new Uint8Array(3));
    assert.equal(findLatestCheckpoint(run.dir)?.step, 15);
    assert.deepEqual(JSON.parse(readFileSync(runPath(run.dir, 'latestCheckpoint'), 'utf8')), { step: 15, dir: 'step-000015' });
    // A damaged newest checkpoint (a file truncated) is skipped for the one before.
    writeFileSync(join(root, run.id, 'checkpoints', 'step-000015', 'weights.bin'), new Uint8Array(7));
    assert.match(JSON.stringify(validateCheckpoint(join(run.dir, 'checkpoints', 'step-000015'))), /weights.bin has 7 bytes/);
    assert.equal(findLatestCheckpoint(run.dir)?.step, 10);
    // Writing step 15 again replaces it.
    const again = new CheckpointWriter(run.dir, 15);
    assert.ok(!existsSync(dead.dir), 'a new writer removes leftovers of dead ones');
    again.writeFile('weights.bin', new Uint8Array(1));
    again.commit();
    assert.equal(findLatestCheckpoint(run.dir)?.manifest.files.find((f) => f.name === 'weights.bin')?.bytes, 1);
    assert.deepEqual(pruneCheckpoints(run.dir, 2), [5]);
    assert.deepEqual(listCheckpoints(run.dir).map((c) => c.step), [10, 15]);
  });

  it('kill -9 at random moments while writing checkpoints always leaves the last complete one loadable', async function () {
    this.timeout(60000);
    const runDir = join(root, 'run');
    mkdirSync(runDir);
    // A child that writes checkpoints as fast as it can: a big file of one repeated byte
    // (the step), and a JSON file naming the step. It starts by re-writing the latest step,
    // so the replace path is killed too.
    const child = `
      const { CheckpointWriter, findLatestCheckpoint } = require(${JSON.stringify(join(__dirname, 'checkpoints.js'))});
      const runDir = ${JSON.stringify(runDir)};
      let step = findLatestCheckpoint(runDir)?.step ?? 1;
      process.send('ready');
      for (;;) {
        const writer = new CheckpointWriter(runDir, step);
        writer.writeFile('weights.bin', Buffer.alloc(1_500_000 + (step % 7) * 100_000, step % 251));
        writer.writeFile('state.json', JSON.stringify({ step }));
        writer.commit();
        step++;
      }`;
    let lastStep = 0;
    for (let kill = 0; kill < 12; kill++) {
      const proc = spawn(process.execPath, ['-e', child], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      let stderr = '';
      proc.stderr!.on('data', (d) => (stderr += d));
      await new Promise<void>((resolveReady, reject) => {
        proc.once('message', () => resolveReady());
        proc.once('exit', () => reject(new Error(`child exited early: ${stderr}`)));
      });
      await new Promise((r) => setTimeout(r, 30 + ((kill * 37) % 120)));
      proc.kill('SIGKILL');
      await new Promise((r) => proc.once('exit', r));
      const latest = findLatestCheckpoint(runDir);
      assert.ok(latest, `a checkpoint survives kill ${kill}`);
      assert.ok(latest.step >= lastStep, 'progress is never lost');
      lastStep = latest.step;
      const weights = readFileSync(join(latest.dir, 'weights.bin'));
      assert.equal(weights.length, 1_500_000 + (latest.step % 7) * 100_000);
      assert.ok(weights.every((b) => b === latest.step % 251), 'the weights file is whole');
      assert.equal(JSON.parse(readFileSync(join(latest.dir, 'state.json'), 'utf8')).step, latest.step);
    }
    assert.ok(lastStep > 3, `the children got some checkpoints written (${lastStep})`);
    // Leftovers of killed writers are only ever hidden folders.
    assert.ok(readdirSync(join(runDir, 'checkpoints')).every((n) => n.startsWith('.') || /^step-\d{6}$/.test(n) || n === 'latest.json'));
  });
});
