/**
 * Reading runs for the UI and the CLI: the list of runs (newest first), a run's info,
 * metrics, samples and log. Tolerant by design: a run folder may be mid-write (a torn last
 * line of metrics.jsonl), half-deleted, or from another version; readers skip what they
 * cannot parse instead of failing.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { MetricPoint, RunInfo, SampleRecord } from '../protocol';
import { RUN_FILES, runPath } from './layout';

/** run.json of a run folder, or undefined when it has none (not a run). */
export function readRunInfo(runDir: string): RunInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(runPath(runDir, 'info'), 'utf8')) as RunInfo;
    // The folder may have been moved or copied since: trust where it is now.
    return { ...info, dir: resolve(runDir) };
  } catch {
    return undefined;
  }
}

/** Every run in a runs folder, newest first (by start time, then name). */
export function listRuns(runsDir: string): RunInfo[] {
  if (!existsSync(runsDir)) return [];
  const runs: RunInfo[] = [];
  for (const name of readdirSync(runsDir)) {
    const dir = join(runsDir, name);
    try {
      if (!statSync(dir).isDirectory()) continue;
    } catch {
      continue;
    }
    const info = readRunInfo(dir);
    if (info) runs.push(info);
  }
  return runs.sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id));
}

function readJsonLines<T>(path: string): T[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const items: T[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      items.push(JSON.parse(line) as T);
    } catch {
      // A line torn by a kill mid-append: skip it.
    }
  }
  return items;
}

/** The run's metrics, optionally only those after `afterStep` (for incremental updates). */
export function readMetrics(runDir: string, afterStep = -Infinity): MetricPoint[] {
  return readJsonLines<MetricPoint>(runPath(runDir, 'metrics')).filter((m) => m.step > afterStep);
}

/** The run's sample records in step order (a step sampled twice keeps its last record). */
export function readSamples(runDir: string): SampleRecord[] {
  const byStep = new Map<number, SampleRecord>();
  for (const record of readJsonLines<SampleRecord>(runPath(runDir, 'sampleIndex'))) byStep.set(record.step, record);
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** Absolute path of a file a SampleRecord names. */
export function sampleFile(runDir: string, record: SampleRecord): string {
  return join(runDir, record.file);
}

/** The last `lines` lines of log.txt. */
export function readLogTail(runDir: string, lines = 50): string[] {
  try {
    const all = readFileSync(runPath(runDir, 'log'), 'utf8').split('\n').filter((l) => l.length > 0);
    return all.slice(-lines);
  } catch {
    return [];
  }
}

/** The frozen spec text of a run. */
export function readRunSpec(runDir: string): string {
  return readFileSync(runPath(runDir, 'spec'), 'utf8');
}

/**
 * A run folder from what a user typed: a path to a run folder, or a run id (folder name)
 * inside `runsDir`, or `latest` for the newest run there.
 */
export function resolveRunDir(ref: string, runsDir: string, cwd = process.cwd()): string | undefined {
  const asPath = isAbsolute(ref) ? ref : resolve(cwd, ref);
  if (existsSync(join(asPath, RUN_FILES.info))) return asPath;
  if (ref === 'latest') return listRuns(runsDir)[0]?.dir;
  const inRuns = join(resolve(cwd, runsDir), ref);
  if (existsSync(join(inRuns, RUN_FILES.info))) return inRuns;
  return undefined;
}
