/** Where runs live: `ganStudio.runsFolder` relative to the spec's workspace folder (or its own folder). */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunInfo } from '../../protocol';
import { listRuns } from '../../run';
import { Config } from '../config';

export function runsDirFor(specUri: vscode.Uri, config: Config): string {
  const setting = config.runsFolder || '.gan-runs';
  if (path.isAbsolute(setting)) return setting;
  const folder = vscode.workspace.getWorkspaceFolder(specUri)?.uri.fsPath ?? path.dirname(specUri.fsPath);
  return path.join(folder, setting);
}

/** Every runs folder the UI should know: one per workspace folder, plus an absolute setting. */
export function allRunsDirs(config: Config): string[] {
  const setting = config.runsFolder || '.gan-runs';
  if (path.isAbsolute(setting)) return [setting];
  return (vscode.workspace.workspaceFolders ?? []).map((f) => path.join(f.uri.fsPath, setting));
}

/** Runs of every runs folder, newest first. */
export function allRuns(config: Config, extraDirs: string[] = []): RunInfo[] {
  const dirs = [...new Set([...allRunsDirs(config), ...extraDirs])];
  return dirs.flatMap((d) => listRuns(d)).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

/** The runs of one spec file, newest first. */
export function runsOfSpec(specFile: string, runsDir: string): RunInfo[] {
  const target = path.resolve(specFile);
  return listRuns(runsDir).filter((r) => path.resolve(r.specFile) === target);
}
