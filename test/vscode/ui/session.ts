/**
 * One code-server with the PACKAGED extension (gan-studio.vsix, installed the way a user
 * installs it) and one Chromium, shared by every UI test file; each file opens its own
 * workbench window on it. Started on first use, stopped by uiMain.ts after the last file.
 */
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../lib/chromium';
import { CodeServer, installExtension, startCodeServer } from '../lib/codeServer';
import { ARTIFACTS_ROOT, PACKAGED_VSIX, requireFile, requireTools } from '../lib/paths';
import { makeRunDir } from '../lib/runDir';
import { Workbench } from '../lib/workbench';
import { makeWorkspace } from '../lib/workspace';

export interface UiSession {
  server: CodeServer;
  browser: Browser;
  /** The workspace folder (a copy of examples/). */
  folder: string;
  runDir: string;
  /** The installed extension's folder (where New GAN File's templates come from). */
  extensionDir: string;
}

let current: Promise<UiSession> | undefined;

export function uiSession(): Promise<UiSession> {
  current ??= start();
  return current;
}

async function start(): Promise<UiSession> {
  requireTools();
  requireFile(PACKAGED_VSIX, 'npm run package');
  const runDir = makeRunDir('ui');
  const folder = makeWorkspace(runDir);
  const extensionsDir = path.join(runDir, 'extensions');
  installExtension(PACKAGED_VSIX, extensionsDir, runDir);
  const server = await startCodeServer({ runDir, extensionsDir });
  const browser = await launchChromium();
  const { readdirSync } = await import('node:fs');
  const installed = readdirSync(extensionsDir).find((name) => name.startsWith('gan-studio.gan-studio-'));
  if (!installed) throw new Error(`the .vsix did not install into ${extensionsDir}`);
  return { server, browser, folder, runDir, extensionDir: path.join(extensionsDir, installed) };
}

export async function stopUiSession(): Promise<void> {
  if (!current) return;
  const session = await current.catch(() => undefined);
  current = undefined;
  if (!session) return;
  await session.browser.close();
  await session.server.stop();
}

/** A fresh workbench window on the session's workspace; screenshots go to .test-artifacts/vscode/. */
export async function openWorkbench(viewport?: { width: number; height: number }): Promise<Workbench> {
  const session = await uiSession();
  return Workbench.open(session.browser, session.server, session.folder, ARTIFACTS_ROOT, { logFile: path.join(session.runDir, 'workbench-console.log'), viewport });
}

/**
 * Mocha hooks for a UI test file, whose tests are the steps of one scenario: a workbench
 * before the first step, a screenshot of the window when a step fails (named after it),
 * and once a step has failed the later ones fail at once instead of each waiting for
 * what can no longer appear (they are reported as failures, never as passes).
 */
export function useWorkbench(viewport?: { width: number; height: number }): () => Workbench {
  let workbench: Workbench | undefined;
  let failedStep: string | undefined;
  before(async function () {
    this.timeout(180_000);
    workbench = await openWorkbench(viewport);
  });
  beforeEach(function () {
    if (failedStep) throw new Error(`not run: the earlier step "${failedStep}" failed`);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && workbench) {
      failedStep ??= this.currentTest.title;
      const session = await uiSession();
      const name = `failed-${this.currentTest.fullTitle().replace(/[^a-z0-9]+/gi, '-').slice(0, 80)}.png`;
      await workbench.page.screenshot({ path: path.join(session.runDir, name) }).catch(() => undefined);
    }
  });
  after(async () => {
    await workbench?.close();
  });
  return () => {
    if (!workbench) throw new Error('the workbench did not open (see the before hook)');
    return workbench;
  };
}
