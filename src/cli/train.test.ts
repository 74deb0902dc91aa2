import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { runCli } from '../cli';
import type { MetricPoint } from '../protocol';
import { listRuns } from '../run';
import { tinyDcganSpec, tinyRingSpec, writeDigitsIdx } from '../engine/testFixtures';
import type { CliIO } from './command';
import { formatDuration, progressBar } from './train';

function capture(cwd: string, isTTY = false): CliIO & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    isTTY,
    cwd,
    stdout: (text: string) => {
      io.out += text;
    },
    stderr: (text: string) => {
      io.err += text;
    },
  };
  return io;
}

describe('gan-studio train, sample, walk', function () {
  this.timeout(60000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gan-cli-'));
    writeDigitsIdx(dir, 200);
    writeFileSync(join(dir, 'dcgan.gan.json'), JSON.stringify(tinyDcganSpec({ images: 'images-idx3-ubyte.gz', labels: 'labels-idx1-ubyte.gz', conditional: true, training: { steps: 4, sampleEvery: 2, checkpointEvery: 2 } })));
    writeFileSync(join(dir, 'ring.gan.json'), JSON.stringify(tinyRingSpec({ training: { steps: 60 } })));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('trains with plain progress lines when stdout is not a terminal, then resumes with --resume latest', async () => {
    const io = capture(dir);
    const code = await runCli(['train', 'ring.gan.json', '--backend', 'wasm', '--out', 'runs'], io);
    assert.equal(code, 0, io.err);
    assert.match(io.out, /^Training "tiny ring" on wasm\n/);
    assert.match(io.out, /generator 114 parameters, discriminator 65\n/);
    assert.match(io.out, /step 60\/60 {2}D \d+\.\d{3} {2}G \d+\.\d{3} {2}D\(x\) 0\.\d\d D\(G\(z\)\) 0\.\d\d {2}\d+ img\/s {2}ETA 0s\n/);
    assert.match(io.out, /checkpoint: step 60\nTrained 60 steps\.\n$/);
    const run = listRuns(join(dir, 'runs'))[0];
    assert.equal(run.status, 'completed');

    const again = capture(dir);
    assert.equal(await runCli(['train', '--resume', 'latest', '--out', 'runs', '--steps', '70', '--backend', 'wasm'], again), 0, again.err);
    assert.match(again.out, /steps 60 → 70/);
    assert.equal(listRuns(join(dir, 'runs'))[0].step, 70);
  });

  it('--workers: 2 trains data-parallel and says so; 1 trains in one thread; anything else but auto is a usage error', async () => {
    const two = capture(dir);
    assert.equal(await runCli(['train', 'dcgan.gan.json', '--backend', 'wasm', '--out', 'workers-runs', '--workers', '2', '--steps', '2'], two), 0, two.err);
    assert.match(two.out, /\n {2}backend: 2 workers \(data-parallel: each trains on 8 of the 16 samples of every batch, gradients averaged; batch norm statistics per shard of 8, like PyTorch DDP without SyncBatchNorm\)\n/);
    assert.match(two.out, /Trained 2 steps\.\n$/);
    const one = capture(dir);
    assert.equal(await runCli(['train', 'ring.gan.json', '--backend', 'wasm', '--out', 'workers-runs', '--workers', '1', '--steps', '2'], one), 0, one.err);
    assert.match(one.out, /\n {2}backend: 1 worker \(as asked\)\n/);
    for (const bad of ['0', 'two', '1.5']) {
      const io = capture(dir);
      assert.equal(await runCli(['train', 'ring.gan.json', '--workers', bad], io), 2, bad);
      assert.match(io.err, new RegExp(`--workers must be auto or a whole number ≥ 1, not "${bad.replace('.', '\\.')}"`));
    }
  });

  it('refuses to train a spec with errors and prints them like validate', async () => {
    writeFileSync(join(dir, 'broken.gan.json'), JSON.stringify({ ...tinyRingSpec(), generator: { layers: [{ type: 'dense', units: 3 }] } }, null, 2));
    const io = capture(dir);
    assert.equal(await runCli(['train', 'broken.gan.json', '--out', 'runs'], io), 1);
    assert.match(io.err, /^broken\.gan\.json:\d+:\d+: error: The generator makes \[3\] but the data is \[2\].*\[generator-output-mismatch\]$/m);
    assert.match(io.err, /broken\.gan\.json: 1 error; not training\./);
  });

  it('says clearly when the data folder is missing', async () => {
    writeFileSync(join(dir, 'nodata.gan.json'), JSON.stringify(tinyDcganSpec({ images: 'missing/train-images.gz' })));
    const io = capture(dir);
    assert.equal(await runCli(['train', 'nodata.gan.json', '--out', 'runs', '--backend', 'wasm'], io), 1);
    assert.match(io.err, /^error: .*missing\/train-images\.gz/m);
  });

  it('draws samples and a latent walk from a DCGAN run\'s checkpoint', async () => {
    const io = capture(dir);
    assert.equal(await runCli(['train', 'dcgan.gan.json', '--out', 'dcgan-runs', '--backend', 'wasm'], io), 0, io.err);
    const sample = capture(dir);
    assert.equal(await runCli(['sample', 'latest', '--runs', 'dcgan-runs', '--n', '20', '--seed', '4', '--out', 'grid.png'], sample), 0, sample.err);
    assert.match(sample.out, /Wrote 20 samples of step 4 to .*grid\.png/);
    // Conditional: 10 class rows × 2 columns of 28-pixel digits.
    const grid = await sharp(join(dir, 'grid.png')).metadata();
    assert.deepEqual([grid.width, grid.height], [2 * 30 + 2, 10 * 30 + 2]);
    const walk = capture(dir);
    assert.equal(await runCli(['walk', 'latest', '--runs', 'dcgan-runs', '--frames', '6', '--out', 'walk.png'], walk), 0, walk.err);
    const strip = await sharp(join(dir, 'walk.png')).metadata();
    assert.deepEqual([strip.width, strip.height], [6 * 30 + 2, 32]);
    const bad = capture(dir);
    assert.equal(await runCli(['walk', 'latest', '--runs', 'dcgan-runs', '--from', '99', '--out', 'walk.png'], bad), 1);
    assert.match(bad.err, /"from" must be an index into the fixed latent batch, 0 … 9; got 99/);
  });

  it('formats the terminal progress bar to the width it has', () => {
    const point: MetricPoint = { step: 250, epoch: 1, time: 1, dLoss: 1.2345, gLoss: 0.8766, parts: {}, dOfReal: 0.61, dOfFake: 0.42, stepsPerSecond: 5, imagesPerSecond: 640 };
    const wide = progressBar(point, 1000, 120);
    assert.match(wide, /^step 250\/1000 █+░+ {2}25% │ D 1\.234 │ G 0\.877 │ D\(x\) 0\.61 D\(G\(z\)\) 0\.42 │ 640 img\/s │ ETA 2m30s$/);
    assert.ok(wide.length <= 120);
    const narrow = progressBar(point, 1000, 50);
    assert.ok(narrow.length <= 50, narrow);
    assert.match(narrow, /^step 250\/1000 .*25%/);
    assert.equal(formatDuration(3725), '1h02m');
  });
});
