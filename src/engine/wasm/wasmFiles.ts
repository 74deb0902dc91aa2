/**
 * Where the tfjs wasm binaries (`tfjs-backend-wasm*.wasm`) are.
 *
 * Why this needs care: tfjs looks for them next to its own JavaScript. Once
 * esbuild bundles the engine into dist/, "its own JavaScript" is the bundle,
 * so the build must either ship node_modules/@tensorflow/tfjs-backend-wasm or
 * copy the three .wasm files next to the bundle. We look, in order:
 *   1. the directory given to setupWasmBackend({wasmDir}) or setWasmDir();
 *   2. $GAN_STUDIO_TFJS_WASM_DIR;
 *   3. a `wasm/` or `tfjs-wasm/` folder, then the folder itself, beside the
 *      running script (__dirname: dist/ when bundled) — for a build that
 *      copied them (copy all three; the SIMD one is the one loaded);
 *   4. @tensorflow/tfjs-backend-wasm/dist/ resolved from node_modules.
 * The first that holds the SIMD binary wins.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The binary we load: SIMD, single-threaded (see dataParallel.ts for using both cores). */
export const SIMD_WASM_FILE = 'tfjs-backend-wasm-simd.wasm';
export const WASM_FILES = ['tfjs-backend-wasm.wasm', SIMD_WASM_FILE, 'tfjs-backend-wasm-threaded-simd.wasm'];

let configuredDir: string | undefined;

/** Sets the directory of the .wasm files for later setupWasmBackend calls. */
export function setWasmDir(dir: string): void {
  configuredDir = dir;
}

function fromNodeModules(): string | undefined {
  try {
    return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  } catch {
    return undefined;
  }
}

/** Directories tried, in order (for error messages and the setup report). */
export function wasmDirCandidates(explicit?: string): string[] {
  const list = [
    explicit,
    configuredDir,
    process.env.GAN_STUDIO_TFJS_WASM_DIR,
    path.join(__dirname, 'wasm'),
    path.join(__dirname, 'tfjs-wasm'),
    __dirname,
    fromNodeModules(),
  ];
  return list.filter((d): d is string => typeof d === 'string' && d.length > 0);
}

/** The directory to hand to tfjs's setWasmPaths (with a trailing separator). */
export function resolveWasmDir(explicit?: string): string {
  // A directory named by the caller must be right: no silent fallback.
  const tried = explicit ? [explicit] : wasmDirCandidates();
  for (const dir of tried) {
    if (fs.existsSync(path.join(dir, SIMD_WASM_FILE))) return dir.endsWith(path.sep) ? dir : dir + path.sep;
  }
  throw new Error(
    `GAN Studio: cannot find ${SIMD_WASM_FILE} (the TensorFlow.js WebAssembly backend). Looked in:\n  ` +
      tried.join('\n  ') +
      '\nInstall @tensorflow/tfjs-backend-wasm, or copy its dist/*.wasm next to the bundle, ' +
      'or set GAN_STUDIO_TFJS_WASM_DIR.',
  );
}
