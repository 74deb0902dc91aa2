/**
 * The in-host suite's entry: VS Code's extension host (code-server's, or the Electron one
 * of @vscode/test-electron) loads this file as `extensionTestsPath` and awaits `run()`.
 * A rejection makes the host exit non-zero, which the launcher turns into a failed run.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { SUITE_START_MARKER } from './marker';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 30_000, color: false, reporter: 'spec' });
  // GAN_STUDIO_GREP narrows a run while working on one test (passed through the env).
  if (process.env.GAN_STUDIO_GREP) mocha.grep(process.env.GAN_STUDIO_GREP);
  for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) {
    mocha.addFile(path.join(__dirname, file));
  }

  // The launcher (lib/inHost.ts) echoes the host's console from this line on.
  console.log(SUITE_START_MARKER);
  const summary = await new Promise<{ passes: string[]; failures: string[]; pending: string[] }>((resolve) => {
    const passes: string[] = [];
    const failures: string[] = [];
    const pending: string[] = [];
    const runner = mocha.run(() => resolve({ passes, failures, pending }));
    runner.on('pass', (test) => passes.push(test.fullTitle()));
    runner.on('fail', (test, error: Error) => failures.push(`${test.fullTitle()}: ${error.message}`));
    runner.on('pending', (test) => pending.push(test.fullTitle()));
  });
  writeResults(summary);

  // A skipped test is not a pass, and a suite that found no tests proves nothing.
  if (summary.failures.length) throw new Error(`${summary.failures.length} in-host test(s) failed`);
  if (summary.pending.length) throw new Error(`${summary.pending.length} in-host test(s) were skipped: ${summary.pending.join('; ')}`);
  if (!summary.passes.length) throw new Error('the in-host suite ran no tests');
}

/**
 * The launcher reads this (beside the workspace folder, which both launchers create) to
 * print the test list; the exit code alone decides pass or fail.
 */
function writeResults(summary: object): void {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (folder?.scheme !== 'file') return;
  writeFileSync(path.join(path.dirname(folder.fsPath), 'in-host-results.json'), JSON.stringify(summary, null, 2));
}
