/**
 * Part 1 of the real-VS-Code tests: the mocha suite in suite/ inside the extension host
 * of code-server, with the repository as the extension under development (dist/ from
 * `npm run build`, the suite from `npx tsc -p .`).
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { launchChromium } from './lib/chromium';
import { startCodeServer } from './lib/codeServer';
import { runInHostSuite } from './lib/inHost';
import { REPO_ROOT, requireFile, requireTools } from './lib/paths';
import { makeRunDir } from './lib/runDir';
import { makeWorkspace } from './lib/workspace';

export async function runInHost(): Promise<boolean> {
  requireTools();
  const testsPath = path.join(REPO_ROOT, 'out', 'test', 'vscode', 'suite', 'index.js');
  requireFile(path.join(REPO_ROOT, 'dist', 'extension.js'), 'npm run build');
  requireFile(testsPath, 'npx tsc -p .');

  const runDir = makeRunDir('in-host');
  const folder = makeWorkspace(runDir);
  console.log(`\n▶ in-host suite (VS Code's extension host in code-server); logs in ${path.relative(REPO_ROOT, runDir)}`);
  const started = Date.now();
  const server = await startCodeServer({ runDir });
  const browser = await launchChromium();
  try {
    const result = await runInHostSuite({
      server,
      browser,
      folder,
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: testsPath,
      logFile: path.join(runDir, 'extension-host.log'),
      timeoutMs: 5 * 60_000,
    });
    const resultsFile = path.join(path.dirname(folder), 'in-host-results.json');
    if (!existsSync(resultsFile)) {
      console.error(`✗ the in-host suite wrote no results (exit ${result.exitCode}): it did not load or crashed; see ${runDir}`);
      return false;
    }
    const summary = JSON.parse(readFileSync(resultsFile, 'utf8')) as { passes: string[]; failures: string[]; pending: string[] };
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`in-host: ${summary.passes.length} passed, ${summary.failures.length} failed, ${summary.pending.length} skipped, exit code ${result.exitCode} (${seconds} s)`);
    return result.exitCode === 0 && summary.failures.length === 0 && summary.pending.length === 0 && summary.passes.length > 0;
  } finally {
    await browser.close();
    await server.stop();
  }
}
