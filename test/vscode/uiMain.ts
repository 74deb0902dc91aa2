/**
 * Part 2 of the real-VS-Code tests: mocha, in this Node process, runs ui/*.test.js, which
 * drive the workbench in Chromium with the packaged extension installed (ui/session.ts).
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { REPO_ROOT, requireFile, requireTools } from './lib/paths';
import { stopUiSession } from './ui/session';

export async function runUi(): Promise<boolean> {
  requireTools();
  requireFile(path.join(REPO_ROOT, 'gan-studio.vsix'), 'npm run package');
  // The panel's React app; without it the panel is an empty page and every diagram check fails.
  requireFile(path.join(REPO_ROOT, 'dist', 'webview', 'main.js'), 'npm run build');

  console.log('\n▶ UI tests (Chromium driving code-server with gan-studio.vsix installed)');
  const started = Date.now();
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, reporter: 'spec', color: process.stdout.isTTY });
  if (process.env.GAN_STUDIO_GREP) mocha.grep(process.env.GAN_STUDIO_GREP);
  const uiDir = path.join(__dirname, 'ui');
  for (const file of readdirSync(uiDir).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(path.join(uiDir, file));

  let passes = 0;
  let failures = 0;
  let pending = 0;
  try {
    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('pass', () => passes++);
      runner.on('fail', () => failures++);
      runner.on('pending', () => pending++);
    });
  } finally {
    await stopUiSession();
    mocha.dispose();
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`UI: ${passes} passed, ${failures} failed, ${pending} skipped (${seconds} s)`);
  // A skipped test is not a pass.
  return failures === 0 && pending === 0 && passes > 0;
}
