/** What the in-host tests share: the extension's API, workspace files, waiting, text positions. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GanStudioApi } from '../../../src/extension/extension';

export const EXTENSION_ID = 'gan-studio.gan-studio';

export async function extensionApi(): Promise<GanStudioApi> {
  const extension = vscode.extensions.getExtension<GanStudioApi>(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is not loaded`);
  return extension.activate();
}

export function workspaceFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  assert.ok(folder, 'the tests need a workspace folder (a copy of examples/)');
  return folder;
}

export function workspaceFile(name: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceFolder(), name);
}

export async function readText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

/**
 * Writes `name` into the workspace: `example`'s text with `replace` applied to the one
 * occurrence of `find` (so a test breaks exactly what it says, and fails loudly if the
 * example no longer contains it).
 */
export async function writeVariant(example: string, name: string, edits: [find: string | RegExp, replace: string][]): Promise<{ uri: vscode.Uri; text: string }> {
  let text = await readText(workspaceFile(example));
  for (const [find, replace] of edits) {
    const matches = typeof find === 'string' ? text.split(find).length - 1 : [...text.matchAll(new RegExp(find.source, find.flags.includes('g') ? find.flags : find.flags + 'g'))].length;
    assert.equal(matches, 1, `${example} should contain ${String(find)} exactly once`);
    text = text.replace(find, replace);
  }
  const uri = workspaceFile(name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return { uri, text };
}

/** Polls `probe` until it returns something truthy; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Line/character of a text offset, counted here from the raw text (not with VS Code's
 * positionAt), so that a range check compares two independent computations.
 */
export function positionOf(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

/** The range of `needle`, searched from the offset of `after` (when given). */
export function rangeOfText(text: string, needle: string, after?: string | number): { start: { line: number; character: number }; end: { line: number; character: number } } {
  const from = typeof after === 'number' ? after : after === undefined ? 0 : text.indexOf(after);
  assert.ok(from >= 0, `anchor ${String(after)} not found`);
  const offset = text.indexOf(needle, from);
  assert.ok(offset >= 0, `${needle} not found after ${String(after)}`);
  return { start: positionOf(text, offset), end: positionOf(text, offset + needle.length) };
}

export function assertRange(actual: vscode.Range, expected: ReturnType<typeof rangeOfText>, what: string): void {
  assert.deepEqual(
    { start: { line: actual.start.line, character: actual.start.character }, end: { line: actual.end.line, character: actual.end.character } },
    expected,
    `${what}: range`,
  );
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
