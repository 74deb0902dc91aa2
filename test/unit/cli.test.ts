/**
 * `gan-studio validate` and `inspect`: output formats, positions and exit codes, run
 * in-process for detail and once through the built dist/cli.js as a user runs it.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli';
import { CliIO } from '../../src/cli/command';

const repo = join(__dirname, '..', '..', '..');
const examples = join(repo, 'examples');
const exampleFiles = ['gan-2d-ring', 'dcgan-mnist', 'dcgan-mnist-small', 'dcgan-64', 'cgan-mnist', 'pix2pix-unet256'].map((n) => join(examples, `${n}.gan.json`));

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTTY: false, cwd: repo };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

describe('gan-studio CLI', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gan-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A broken copy of the DCGAN example: 3 output channels, and an L1 term without paired data. */
  function brokenDcgan(): { file: string; text: string } {
    const text = readFileSync(join(examples, 'dcgan-mnist.gan.json'), 'utf8')
      .replace('{ "type": "conv2dTranspose", "filters": 1,', '{ "type": "conv2dTranspose", "filters": 3,')
      .replace('"loss": { "kind": "nonSaturating" }', '"loss": { "kind": "nonSaturating", "l1": 100 }');
    const file = join(dir, 'broken.gan.json');
    writeFileSync(file, text);
    return { file, text };
  }

  /** 1-based line:column of the first occurrence of `needle` in `text`. */
  function positionOf(text: string, needle: string, from = 0): string {
    const offset = text.indexOf(needle, from);
    assert.ok(offset >= 0, needle);
    const before = text.slice(0, offset).split('\n');
    return `${before.length}:${before[before.length - 1].length + 1}`;
  }

  it('validate: every example is fine, exit 0', async () => {
    const result = await cli('validate', ...exampleFiles);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.equal(result.stdout, '');
    assert.equal((result.stderr.match(/: ok$/gm) ?? []).length, exampleFiles.length);
  });

  it('validate: a broken file gives file:line:col: severity: message [code] and exit 1', async () => {
    const { file, text } = brokenDcgan();
    const result = await cli('validate', file);
    assert.equal(result.code, 1);
    const lines = result.stdout.trim().split('\n');
    const lastLayer = text.indexOf('"filters": 3');
    assert.deepEqual(lines.map((l) => l.replace(/: (error|warning): .* \[/, ' $1 [')), [
      `${file}:${positionOf(text, '"conv2dTranspose"', lastLayer - 40)} error [generator-output-mismatch]`,
      `${file}:${positionOf(text, '"l1"')} error [loss-needs-paired-data]`,
    ]);
    assert.match(lines[0], /makes \[28, 28, 3\] but the data is \[28, 28, 1\]/);
    assert.match(result.stderr, /2 errors, 0 warnings/);
  });

  it('validate --json: files, problems with 1-based ranges', async () => {
    const { file, text } = brokenDcgan();
    const result = await cli('validate', '--json', file, exampleFiles[0]);
    assert.equal(result.code, 1);
    const json = JSON.parse(result.stdout) as { files: { file: string; problems: { line: number; column: number; endLine: number; endColumn: number; severity: string; code: string; message: string }[] }[] };
    assert.equal(json.files.length, 2);
    assert.deepEqual(json.files[1], { file: exampleFiles[0], problems: [] });
    const l1 = json.files[0].problems.find((p) => p.code === 'loss-needs-paired-data')!;
    assert.equal(`${l1.line}:${l1.column}`, positionOf(text, '"l1"'));
    assert.equal(l1.endColumn - l1.column, '"l1"'.length);
    assert.equal(l1.severity, 'error');
    assert.deepEqual(Object.keys(l1).sort(), ['code', 'column', 'endColumn', 'endLine', 'line', 'message', 'severity']);
  });

  it('validate: warnings alone exit 0', async () => {
    const text = readFileSync(exampleFiles[0], 'utf8').replace('"loss": { "kind": "minimax", "nonSaturatingGenerator": true }', '"loss": { "kind": "hinge", "gradientPenalty": 10 }');
    const file = join(dir, 'warn.gan.json');
    writeFileSync(file, text);
    const result = await cli('validate', file);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /warning: .* \[option-ignored\]/);
  });

  it('validate: an unreadable file is a usage error (exit 2) naming it', async () => {
    const result = await cli('validate', join(dir, 'missing.gan.json'));
    assert.equal(result.code, 2);
    assert.match(result.stderr, /cannot read .*missing\.gan\.json: no such file/);
  });

  it('inspect --json: the reference parameter counts', async () => {
    const expected: Record<string, [number, number]> = {
      'dcgan-mnist': [2_305_472, 212_865],
      'dcgan-64': [3_576_704, 2_765_568],
      'pix2pix-unet256': [54_413_955, 2_768_705],
    };
    for (const [name, [g, d]] of Object.entries(expected)) {
      const result = await cli('inspect', '--json', join(examples, `${name}.gan.json`));
      assert.equal(result.code, 0, result.stderr);
      const json = JSON.parse(result.stdout);
      assert.equal(json.generator.trainableParams, g, name);
      assert.equal(json.discriminator.trainableParams, d, name);
      assert.deepEqual(json.discriminator.layers.at(-1).outputShape, name === 'pix2pix-unet256' ? [30, 30, 1] : name === 'dcgan-64' ? [1, 1, 1] : [1]);
    }
  });

  it('inspect: a table with every layer, shapes and totals', async () => {
    const result = await cli('inspect', exampleFiles[1]);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /Generator {2}\(inputs: latent \[100\]\)/);
    assert.match(result.stdout, /dense 12544 no-bias +latent +\[12544\] +1,254,400 +0/);
    assert.match(result.stdout, /output \[28, 28, 1\] +trainable 2,305,472 +non-trainable 25,472/);
    assert.match(result.stdout, /output \[1\] +trainable 212,865 +non-trainable 0/);
  });

  it('inspect: a broken file still prints what it can, errors on stderr, exit 1', async () => {
    const { file } = brokenDcgan();
    const result = await cli('inspect', file);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /error: The generator makes/);
    assert.match(result.stdout, /output \[28, 28, 3\]/);
  });

  it('unknown commands and options are usage errors (exit 2)', async () => {
    assert.equal((await cli('frobnicate')).code, 2);
    const result = await cli('validate', '--frob', exampleFiles[0]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown option --frob/);
  });

  it('the built dist/cli.js runs as a program with the same results', () => {
    const bin = join(repo, 'dist', 'cli.js');
    const ok = spawnSync(process.execPath, [bin, 'validate', ...exampleFiles], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    const { file } = brokenDcgan();
    const bad = spawnSync(process.execPath, [bin, 'validate', file], { encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, /\[generator-output-mismatch\]/);
    const json = JSON.parse(execFileSync(process.execPath, [bin, 'inspect', '--json', join(examples, 'pix2pix-unet256.gan.json')], { encoding: 'utf8' }));
    assert.equal(json.generator.trainableParams, 54_413_955);
  });
});
