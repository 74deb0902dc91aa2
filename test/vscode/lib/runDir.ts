/**
 * One folder per test run under .test-artifacts/vscode/, holding everything code-server
 * and the browser write (user data, extensions, XDG dirs, TMPDIR, logs), so a run never
 * touches the home folder or /tmp and a failed run can be read afterwards.
 */
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { ARTIFACTS_ROOT } from './paths';

/** Per-run state folders are big (a VS Code profile, an installed .vsix): keep the last few. */
const KEEP_RUNS = 4;

export function makeRunDir(label: string): string {
  const runsRoot = path.join(ARTIFACTS_ROOT, 'runs');
  mkdirSync(runsRoot, { recursive: true });
  pruneOldRuns(runsRoot);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = path.join(runsRoot, `${stamp}-${label}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function pruneOldRuns(runsRoot: string): void {
  const runs = readdirSync(runsRoot)
    .map((name) => path.join(runsRoot, name))
    .filter((p) => statSync(p).isDirectory())
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  for (const old of runs.slice(KEEP_RUNS)) rmSync(old, { recursive: true, force: true });
}
