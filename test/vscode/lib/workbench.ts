/**
 * The VS Code workbench in Chromium, driven like a person: keyboard shortcuts, the quick
 * open and command palette, clicks. Each helper waits for the visible result of what it
 * did, so tests read as steps and fail at the step that went wrong.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, BrowserContext, FrameLocator, Locator, Page } from 'playwright-core';
import type { CodeServer } from './codeServer';
import { newWorkbenchContext } from './chromium';
import { waitFor } from './waitFor';

export interface EditorSelection {
  /** 1-based, as the status bar shows it: the cursor (the selection's active end). */
  line: number;
  column: number;
  /** Characters selected (0 when the selection is empty). */
  selected: number;
}

export class Workbench {
  private constructor(
    readonly page: Page,
    private readonly context: BrowserContext,
    /** Where screenshots go. */
    readonly screenshotDir: string,
  ) {}

  /**
   * Opens the workbench on `folder`, waits until the explorer lists it, and closes the
   * editors a previous window on the same folder left open (VS Code restores them).
   */
  static async open(browser: Browser, server: CodeServer, folder: string, screenshotDir: string, options: { logFile?: string; viewport?: { width: number; height: number } } = {}): Promise<Workbench> {
    const { logFile } = options;
    const context = await newWorkbenchContext(browser, options.viewport);
    const page = await context.newPage();
    if (logFile) {
      page.on('console', (m) => appendFileSync(logFile, `[${m.type()}] ${m.text()}\n`));
      page.on('pageerror', (e) => appendFileSync(logFile, `[pageerror] ${e.stack ?? e.message}\n`));
    }
    await page.goto(server.folderUrl(folder));
    await page.locator('.monaco-workbench').waitFor();
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    mkdirSync(screenshotDir, { recursive: true });
    const workbench = new Workbench(page, context, screenshotDir);
    await workbench.runCommand('View: Close All Editor Groups');
    await page.locator('.tab').first().waitFor({ state: 'detached', timeout: 10_000 });
    return workbench;
  }

  /** Reloads the window (as F5 in a browser, or "Developer: Reload Window"). */
  async reload(): Promise<void> {
    await this.page.reload();
    await this.afterReload();
  }

  /** Waits for the workbench to be back after a reload (page or command). */
  async afterReload(): Promise<void> {
    await this.page.waitForLoadState('load');
    await this.page.locator('.monaco-workbench').waitFor();
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  }

  /** Closes a tab with its × button. */
  async closeTab(title: string): Promise<void> {
    const tab = this.tab(title);
    await tab.hover();
    await tab.locator('.tab-actions .action-label').first().click();
    await tab.waitFor({ state: 'detached' });
  }

  async close(): Promise<void> {
    await this.context.close();
  }

  /** Quick open (Ctrl+P): type the file name, pick it, wait for its editor to be active. */
  async openFile(name: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor();
    await input.fill(name);
    await this.page.locator('.quick-input-list .monaco-list-row').filter({ hasText: name }).first().click();
    await this.activeTab(name).waitFor();
  }

  /**
   * The command palette (F1): type the command's title, pick exactly that entry.
   * The palette lists what its `when` clauses allow at the moment it opens and does not
   * refresh; if the entry is missing (the extension was still activating), it is closed
   * and opened again, as a person would.
   */
  async runCommand(title: string, timeoutMs = 15_000): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    const row = this.page.locator('.quick-input-list .monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: title }) });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.page.keyboard.press('F1');
      await input.waitFor();
      await input.fill(`>${title}`);
      const found = await row.first().waitFor({ timeout: 2000 }).then(() => true, () => false);
      if (found) break;
      await this.page.keyboard.press('Escape');
      if (Date.now() > deadline) throw new Error(`"${title}" is not in the command palette (waited ${timeoutMs / 1000} s)`);
    }
    await row.first().click();
  }

  /** A CodeLens of the active editor, by its text (e.g. "Show Architecture"). */
  codeLens(text: string) {
    return this.page.locator('.editor-group-container.active .codelens-decoration a', { hasText: text });
  }

  /** The active tab of the active editor group, if it shows exactly `name` (its aria-label may add ", …"). */
  activeTab(name: string) {
    const tab = '.editor-group-container.active .tab.active';
    return this.page.locator(`${tab}[aria-label="${name}"], ${tab}[aria-label^="${name},"]`);
  }

  /** A tab in any group whose title is `title`. */
  tab(title: string) {
    return this.page.locator(`.tab[aria-label="${title}"], .tab[aria-label^="${title},"]`);
  }

  /** The document inside the (one visible) webview: VS Code nests it in two iframes. */
  webviewFrame(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  }

  /** Reads the status bar's "Ln 12, Col 7 (120 selected)". */
  async editorSelection(): Promise<EditorSelection> {
    const text = (await this.page.locator('[id="status.editor.selection"]').innerText()).trim();
    const match = /Ln (\d+), Col (\d+)(?: \((\d+) selected\))?/.exec(text);
    if (!match) throw new Error(`unexpected selection status "${text}"`);
    return { line: Number(match[1]), column: Number(match[2]), selected: Number(match[3] ?? 0) };
  }

  /** Waits until the status bar shows `expected` (the editor updates it asynchronously). */
  async waitForSelection(expected: EditorSelection, timeoutMs = 10_000): Promise<void> {
    let last: EditorSelection | undefined;
    await waitFor(
      `the editor selection to be ${JSON.stringify(expected)}`,
      async () => {
        last = await this.editorSelection();
        return last.line === expected.line && last.column === expected.column && last.selected === expected.selected;
      },
      timeoutMs,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; the status bar shows ${JSON.stringify(last)}`);
    });
  }

  /** Go to Line/Column (Ctrl+G), 1-based, in the active editor. */
  async goTo(line: number, column: number): Promise<void> {
    await this.focusEditor();
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor();
    await input.fill(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await this.waitForSelection({ line, column, selected: 0 });
  }

  /** Types into the active editor as keystrokes. */
  async type(text: string): Promise<void> {
    await this.page.keyboard.type(text, { delay: 20 });
  }

  async press(keys: string): Promise<void> {
    await this.page.keyboard.press(keys);
  }

  /**
   * Focuses the first editor group (Ctrl+1), where the tests keep the text editor; the
   * panel opens beside it, in the second.
   */
  async focusEditor(): Promise<void> {
    await this.page.keyboard.press('Control+1');
    await this.page.locator('.editor-group-container.active .monaco-editor.focused').first().waitFor({ timeout: 5000 });
  }

  /** Saves the active editor (Ctrl+S). */
  async save(): Promise<void> {
    await this.page.keyboard.press('Control+S');
  }

  /** A status-bar entry whose text matches (codicons such as $(loading~spin) have no text). */
  statusBarItem(text: string | RegExp): Locator {
    return this.page.locator('[id="workbench.parts.statusbar"] .statusbar-item').filter({ hasText: text });
  }

  /** The text of the first status-bar entry matching `text`, or undefined when there is none. */
  async statusBarText(text: string | RegExp): Promise<string | undefined> {
    // allInnerTexts does not wait: the entry may go between a count() and an innerText(),
    // which would then wait for it for the default 30 s.
    const [first] = await this.statusBarItem(text).allInnerTexts();
    return first?.replace(/\s+/g, ' ').trim();
  }

  /** A notification (a toast, or an entry of the notification centre) whose message matches. */
  notification(text: string | RegExp): Locator {
    return this.page.locator('.notification-list-item').filter({ has: this.page.locator('.notification-list-item-message', { hasText: text }) });
  }

  /** Every notification message shown now (toasts), for error messages. */
  async notificationMessages(): Promise<string[]> {
    return this.page.locator('.notification-list-item-message').allInnerTexts();
  }

  /** Clicks a notification's button (e.g. "Resume From Checkpoint"). */
  async clickNotificationButton(text: string | RegExp, button: string): Promise<void> {
    await this.notification(text).first().locator('.monaco-button', { hasText: button }).first().click();
  }

  /** Closes every notification toast ("Notifications: Clear All Notifications"). */
  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
  }

  /** A screenshot of the whole window into the artefacts folder; returns its path. */
  async screenshot(name: string): Promise<string> {
    const file = path.join(this.screenshotDir, name.endsWith('.png') ? name : `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }
}
