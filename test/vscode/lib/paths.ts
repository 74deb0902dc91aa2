/**
 * Where things are: the repository, the code-server install that setup.sh makes, the
 * artefacts folder. Compiled to out/test/vscode/lib/, so the repository is three levels up.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

export const CODE_SERVER_VERSION = '4.100.3';

/** setup.sh installs code-server here (override with GAN_STUDIO_CODE_SERVER_DIR). */
export const CODE_SERVER_DIR = process.env.GAN_STUDIO_CODE_SERVER_DIR ?? path.join(REPO_ROOT, '.cache', 'code-server');

/** code-server's Node entry; started with this Node, so nothing depends on a PATH. */
export const CODE_SERVER_ENTRY = path.join(CODE_SERVER_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

export const CHROMIUM = process.env.GAN_STUDIO_CHROMIUM ?? '/usr/bin/chromium';

/** Every run writes below here: logs, screenshots, per-run VS Code state. */
export const ARTIFACTS_ROOT = path.join(REPO_ROOT, '.test-artifacts', 'vscode');

export const PACKAGED_VSIX = path.join(REPO_ROOT, 'gan-studio.vsix');

const SETUP_COMMAND = 'test/vscode/setup.sh   (or: apt-get install -y libkrb5-dev ripgrep chromium, then see test/vscode/setup.sh)';

/** Fails loudly (never skips) when the tools the tests drive are not installed. */
export function requireTools(): void {
  const missing: string[] = [];
  if (!existsSync(CODE_SERVER_ENTRY)) missing.push(`code-server ${CODE_SERVER_VERSION} (expected ${CODE_SERVER_ENTRY})`);
  if (!existsSync(CHROMIUM)) missing.push(`chromium (expected ${CHROMIUM})`);
  if (missing.length) {
    throw new Error(`The real-VS-Code tests need: ${missing.join('; ')}.\nInstall with: ${SETUP_COMMAND}`);
  }
}

/** Fails loudly when a build output a test depends on is missing. */
export function requireFile(file: string, howToMake: string): void {
  if (!existsSync(file)) throw new Error(`${path.relative(REPO_ROOT, file)} is missing: run \`${howToMake}\` first.`);
}
