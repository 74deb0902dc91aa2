/**
 * setupWasmBackend's report and the lookup of tfjs's .wasm binaries.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { resolveWasmDir, SIMD_WASM_FILE } from './wasmFiles';
import { suppliedKernelNames } from './register';
import { ensureWasm, rememberBackend } from './testUtil';

describe('setupWasmBackend', function () {
  this.timeout(30_000);
  let restore: () => Promise<void>;
  before(() => {
    restore = rememberBackend();
  });
  after(async () => restore());

  it('activates wasm with SIMD and registers every supplied kernel', async () => {
    const report = await ensureWasm();
    assert.strictEqual(report.backend, 'wasm');
    assert.strictEqual(report.simd, true);
    assert.strictEqual(report.threadsPerInstance, 1);
    await tf.setBackend('wasm');
    for (const name of suppliedKernelNames()) assert.ok(tf.getKernel(name, 'wasm'), `${name} is not registered`);
    assert.ok(tf.getGradient('Greater'), 'second-order gradients are registered');
  });

  it('finds the binaries in node_modules by default', () => {
    const dir = resolveWasmDir();
    assert.ok(fs.existsSync(path.join(dir, SIMD_WASM_FILE)), dir);
  });

  it('refuses a named directory without the binaries, saying where it looked', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-studio-wasm-'));
    try {
      assert.throws(() => resolveWasmDir(empty), (e: Error) => e.message.includes(empty) && e.message.includes(SIMD_WASM_FILE));
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
