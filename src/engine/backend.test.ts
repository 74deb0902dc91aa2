import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BackendError, cudaHint, findWasmDir, kernelsForLayerTypes, nativeCandidates, parseBackendChoice, resolveBackend, TFJS_PATH_ENV } from './backend';

/** A stand-in npm package folder: package.json and an index.js with the given body. */
function fakePackage(root: string, name: string, version: string, body: string): string {
  const dir = join(root, 'node_modules', ...name.split('/'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version, main: 'index.js' }));
  writeFileSync(join(dir, 'index.js'), body);
  return dir;
}

describe('engine/backend: choosing the TensorFlow.js backend', function () {
  this.timeout(30000);
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'gan-backend-'));
  });
  afterEach(async () => {
    rmSync(root, { recursive: true, force: true });
    if (tf.findBackend('tensorflow')) tf.removeBackend('tensorflow');
    await tf.setBackend('cpu');
  });

  it('falls back to wasm and says why the native backends were not used', async () => {
    const report = await resolveBackend({ env: {} });
    assert.equal(report.name, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.deepEqual(report.notes.slice(0, 2), ['tfjs-node-gpu: not installed', 'tfjs-node: not installed']);
    assert.match(report.notes[2], /^wasm: SIMD/);
    assert.equal(report.gpu, false);
  });

  it('reports a GPU package that fails to load with the CUDA hint, and one of the wrong major version', async () => {
    fakePackage(root, '@tensorflow/tfjs-node-gpu', '4.22.0', "throw new Error('libcudart.so.11.0: cannot open shared object file: No such file or directory');");
    fakePackage(root, '@tensorflow/tfjs-node', '3.21.0', '');
    const report = await resolveBackend({ searchPaths: [root], env: {} });
    assert.equal(report.name, 'wasm');
    assert.match(report.notes[0], /^tfjs-node-gpu: failed to load from .*tfjs-node-gpu: libcudart\.so\.11\.0: cannot open shared object file.* — tfjs-node-gpu 4\.x needs CUDA 11\.2 and cuDNN 8\.1/);
    assert.match(report.notes[1], /^tfjs-node: .* is version 3\.21\.0; GAN Studio needs 4\.x/);
  });

  it('picks up a native backend from a folder named in the environment', async () => {
    // Registers a "tensorflow" backend as tfjs-node does (here: the cpu backend under that name).
    fakePackage(
      root,
      '@tensorflow/tfjs-node',
      '4.22.0',
      `const tf = require(${JSON.stringify(require.resolve('@tensorflow/tfjs'))});
       const cpu = require(${JSON.stringify(require.resolve('@tensorflow/tfjs-backend-cpu'))});
       tf.registerBackend('tensorflow', () => new cpu.MathBackendCPU());
       for (const k of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...k, backendName: 'tensorflow' });`,
    );
    const report = await resolveBackend({ env: { [TFJS_PATH_ENV]: root } });
    assert.equal(report.name, 'tensorflow');
    assert.equal(tf.getBackend(), 'tensorflow');
    assert.match(report.notes[0], /^tfjs-node-gpu: not installed \(looked beside GAN Studio and in /);
    assert.match(report.notes[1], /^tfjs-node: loaded 4\.22\.0 from .*node_modules\/@tensorflow\/tfjs-node$/);
    assert.deepEqual(tf.tidy(() => Array.from(tf.add(tf.tensor1d([1, 2]), 1).dataSync())), [2, 3]);
  });

  it('a forced backend that cannot start is an error that names the reason', async () => {
    await assert.rejects(resolveBackend({ choice: 'tfjs-node-gpu', env: {} }), (error: Error) => error instanceof BackendError && /Cannot use the tfjs-node-gpu backend: not installed/.test(error.message));
  });

  it('skips a backend lacking a kernel training needs, and refuses it when forced', async () => {
    // FFT: the cpu backend has it, tfjs-backend-wasm does not.
    const report = await resolveBackend({ choice: 'auto', requiredKernels: ['FFT'], env: {} });
    assert.equal(report.name, 'cpu');
    assert.ok(report.notes.includes('wasm: lacks the kernel FFT that training these layers needs'), report.notes.join('\n'));
    await assert.rejects(resolveBackend({ choice: 'cpu', requiredKernels: ['NoSuchKernel'] }), /lacks the kernel NoSuchKernel/);
  });

  it('knows where packages, wasm binaries and kernels are', () => {
    fakePackage(root, '@tensorflow/tfjs-node', '4.22.0', '');
    // A project folder, an npm prefix (lib/node_modules) and a node_modules folder all work.
    mkdirSync(join(root, 'prefix', 'lib'), { recursive: true });
    fakePackage(join(root, 'prefix', 'lib'), '@tensorflow/tfjs-node', '4.22.0', '');
    assert.equal(nativeCandidates('@tensorflow/tfjs-node', [root, join(root, 'prefix'), join(root, 'node_modules')]).length, 2);
    assert.ok(findWasmDir());
    assert.deepEqual(kernelsForLayerTypes(['dense', 'conv2dTranspose']), ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter']);
    assert.equal(parseBackendChoice('GPU'), 'tfjs-node-gpu');
    assert.equal(parseBackendChoice('tpu'), undefined);
    assert.equal(cudaHint(new Error('libcudnn.so.8: cannot open')), ' — tfjs-node-gpu 4.x needs CUDA 11.2 and cuDNN 8.1 on the library path');
  });
});
