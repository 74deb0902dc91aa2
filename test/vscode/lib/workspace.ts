/**
 * The folder the tests open: a throw-away copy of examples/ (tests may break and edit its
 * files freely) laid out like the repository, so the examples' `"$schema":
 * "../schemas/gan.schema.json"` still resolves.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './paths';

/** Extra files the tests need beside the examples (copied into the workspace folder). */
const FIXTURES = path.join(REPO_ROOT, 'test', 'vscode', 'fixtures');

/** Makes `<runDir>/workspace/{examples,schemas}` and returns the folder to open (examples). */
export function makeWorkspace(runDir: string): string {
  const root = path.join(runDir, 'workspace');
  const folder = path.join(root, 'examples');
  mkdirSync(folder, { recursive: true });
  for (const entry of readdirSync(path.join(REPO_ROOT, 'examples'), { withFileTypes: true })) {
    const source = path.join(REPO_ROOT, 'examples', entry.name);
    if (entry.isDirectory() && entry.name === 'data') {
      // Data sets can be large and are only read: link them instead of copying.
      symlinkSync(source, path.join(folder, 'data'), 'dir');
    } else {
      cpSync(source, path.join(folder, entry.name), { recursive: true });
    }
  }
  cpSync(path.join(REPO_ROOT, 'schemas'), path.join(root, 'schemas'), { recursive: true });
  if (existsSync(FIXTURES)) cpSync(FIXTURES, folder, { recursive: true });
  return folder;
}
