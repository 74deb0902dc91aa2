/**
 * Drives the panel in Debian's Chromium with playwright-core: opens the harness page in a
 * theme, sends host messages as VS Code would (a `message` event on the window), reads what
 * the panel posted back, and checks that nothing broke the CSP or threw.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { HostToWebview, WebviewToHost } from '../../src/protocol';
import { REPO_ROOT, type HarnessServer, type Theme } from './server';

export const ARTIFACTS_DIR = join(REPO_ROOT, '.test-artifacts', 'browser');

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH).`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** The page's globals as host-shim.js defines them (these tests compile without the DOM lib). */
interface PageGlobals {
  __harness: { posted: WebviewToHost[]; stateWrites: number; cspViolations: string[]; errors: string[] };
  ganStudioHostShim: { getState(): Record<string, unknown> | undefined };
  postMessage(message: unknown, targetOrigin: string): void;
}

export class Panel {
  private constructor(
    readonly page: Page,
    readonly context: BrowserContext,
    readonly theme: Theme,
    private readonly consoleErrors: string[],
  ) {}

  /** A fresh panel; pass `context` to share its storage (the persisted state) with an earlier page. */
  static async open(browser: Browser, server: HarnessServer, options: { theme?: Theme; context?: BrowserContext; width?: number; height?: number } = {}): Promise<Panel> {
    const theme = options.theme ?? 'dark';
    const context = options.context ?? (await browser.newContext({ viewport: { width: options.width ?? 1400, height: options.height ?? 900 }, deviceScaleFactor: 1 }));
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(String(error)));
    await page.goto(server.pageUrl(theme));
    const panel = new Panel(page, context, theme, consoleErrors);
    await panel.waitForPosted('ready');
    return panel;
  }

  async send(message: HostToWebview): Promise<void> {
    await this.page.evaluate((m) => (globalThis as unknown as PageGlobals).postMessage(m, '*'), message);
  }

  async posted(): Promise<WebviewToHost[]> {
    return this.page.evaluate(() => (globalThis as unknown as PageGlobals).__harness.posted);
  }

  async clearPosted(): Promise<void> {
    await this.page.evaluate(() => {
      (globalThis as unknown as PageGlobals).__harness.posted.length = 0;
    });
  }

  /** The first posted message of a type (and matching `where`), waiting for it. */
  async waitForPosted<T extends WebviewToHost['type']>(type: T, where: (m: Extract<WebviewToHost, { type: T }>) => boolean = () => true, timeout = 10_000): Promise<Extract<WebviewToHost, { type: T }>> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const found = (await this.posted()).find((m): m is Extract<WebviewToHost, { type: T }> => m.type === type && where(m as Extract<WebviewToHost, { type: T }>));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`The panel did not post "${type}" within ${timeout} ms; it posted ${JSON.stringify((await this.posted()).map((m) => m.type))}`);
      await this.page.waitForTimeout(25);
    }
  }

  async state(): Promise<Record<string, unknown> | undefined> {
    return this.page.evaluate(() => (globalThis as unknown as PageGlobals).ganStudioHostShim.getState());
  }

  /** Screenshot under .test-artifacts/browser/<name>-<theme>.png. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const path = join(ARTIFACTS_DIR, `${name}-${this.theme}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  /** Fails on any CSP violation, uncaught error or console error seen so far. */
  async assertClean(): Promise<void> {
    const harness = await this.page.evaluate(() => {
      const h = (globalThis as unknown as PageGlobals).__harness;
      return { csp: h.cspViolations, errors: h.errors };
    });
    const problems = [...harness.csp.map((v) => `CSP: ${v}`), ...harness.errors.map((e) => `error: ${e}`), ...this.consoleErrors.map((e) => `console: ${e}`)];
    if (problems.length) throw new Error(`The panel was not clean:\n${problems.join('\n')}`);
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}
