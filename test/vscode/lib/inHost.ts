/**
 * Runs a mocha suite inside the real extension host of the web workbench, the way
 * @vscode/test-web does: code-server's command line rejects --extensionDevelopmentPath,
 * but the workbench URL's `payload` takes extensionDevelopmentPath and
 * extensionTestsPath. The extension host's console comes back through
 * window.codeAutomationLog and its exit code through window.codeAutomationExit.
 */
import { appendFileSync } from 'node:fs';
import { format } from 'node:util';
import type { Browser } from 'playwright-core';
import type { CodeServer } from './codeServer';
import { SUITE_START_MARKER } from '../suite/marker';
import { newWorkbenchContext } from './chromium';

export interface InHostOptions {
  server: CodeServer;
  browser: Browser;
  /** The workspace folder to open. */
  folder: string;
  /** The extension under development (the repository). */
  extensionDevelopmentPath: string;
  /** Compiled suite entry exporting `run(): Promise<void>`. */
  extensionTestsPath: string;
  /** Everything the extension host prints, one line per call. */
  logFile: string;
  timeoutMs: number;
}

export interface InHostResult {
  exitCode: number;
  /** The extension host's console output. */
  output: string[];
}

export async function runInHostSuite(options: InHostOptions): Promise<InHostResult> {
  const { server, browser } = options;
  const context = await newWorkbenchContext(browser);
  const page = await context.newPage();
  const output: string[] = [];
  // The workbench logs a lot before the suite starts (sockets, the unreachable gallery):
  // that goes to the log file only; from the suite's start marker on, lines are echoed.
  let echo = false;
  const print = (line: string) => {
    output.push(line);
    appendFileSync(options.logFile, line + '\n');
    if (line.includes(SUITE_START_MARKER)) echo = true;
    else if (echo) process.stdout.write(line + '\n');
  };
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (finish = resolve));

  await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
    // The console's own arguments: a format string (mocha's reporters use %s, %d) and values.
    const text = format(...args);
    print(type === 'error' ? `[ext host error] ${text}` : text);
  });
  await page.exposeFunction('codeAutomationExit', (code: number) => finish(code));
  // The workbench's own console (not the extension host's): only kept for debugging.
  page.on('console', (message) => appendFileSync(options.logFile + '.workbench', `[${message.type()}] ${message.text()}\n`));
  page.on('pageerror', (error) => appendFileSync(options.logFile + '.workbench', `[pageerror] ${error.stack ?? error.message}\n`));

  const payload: [string, string][] = [
    ['extensionDevelopmentPath', server.remoteUri(options.extensionDevelopmentPath)],
    ['extensionTestsPath', server.remoteUri(options.extensionTestsPath)],
  ];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<number>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the in-host suite did not finish within ${options.timeoutMs / 1000} s; see ${options.logFile}`)), options.timeoutMs);
  });
  try {
    await page.goto(server.folderUrl(options.folder, payload));
    const exitCode = await Promise.race([finished, timeout]);
    if (!echo) process.stdout.write(output.slice(-40).join('\n') + '\n'); // never started: show why
    return { exitCode, output };
  } finally {
    clearTimeout(timer);
    await context.close();
  }
}
