/**
 * The same in-host suite (suite/) in desktop VS Code, through @vscode/test-electron, for
 * machines that can download VS Code from update.code.visualstudio.com (the build
 * machines here cannot: CI uses code-server, see run.sh). `npm run test:electron`:
 *
 *   npm run build && npx tsc -p . && node out/test/vscode/electron.js
 *   (on Linux without a display: xvfb-run -a node out/test/vscode/electron.js)
 *
 * VSCODE_VERSION picks the VS Code to download (default: stable; the extension needs ≥ 1.100).
 */
import * as path from 'node:path';
import { REPO_ROOT, requireFile } from './lib/paths';
import { makeRunDir } from './lib/runDir';
import { makeWorkspace } from './lib/workspace';

/** The part of @vscode/test-electron used here (it is a devDependency only where it can work). */
interface TestElectron {
  runTests(options: {
    version?: string;
    extensionDevelopmentPath: string;
    extensionTestsPath: string;
    launchArgs?: string[];
    extensionTestsEnv?: Record<string, string | undefined>;
  }): Promise<number>;
}

function loadTestElectron(): TestElectron {
  try {
    // A runtime require: the package is not installed on the build machines, and the
    // root `tsc -p .` must compile without it.
    return require('@vscode/test-electron') as TestElectron;
  } catch {
    throw new Error('@vscode/test-electron is not installed: npm install --save-dev @vscode/test-electron');
  }
}

async function main(): Promise<number> {
  const extensionTestsPath = path.join(REPO_ROOT, 'out', 'test', 'vscode', 'suite', 'index.js');
  requireFile(path.join(REPO_ROOT, 'dist', 'extension.js'), 'npm run build');
  requireFile(extensionTestsPath, 'npx tsc -p .');
  const { runTests } = loadTestElectron();
  const runDir = makeRunDir('electron');
  const folder = makeWorkspace(runDir);
  await runTests({
    version: process.env.VSCODE_VERSION ?? 'stable',
    extensionDevelopmentPath: REPO_ROOT,
    extensionTestsPath,
    launchArgs: [
      folder,
      // Only the extension under test and VS Code's built-ins (the JSON support among them).
      '--disable-extensions',
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      '--user-data-dir', path.join(runDir, 'user-data'),
    ],
    extensionTestsEnv: { GAN_STUDIO_GREP: process.env.GAN_STUDIO_GREP },
  });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // runTests rejects when the suite fails (VS Code exits non-zero).
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
