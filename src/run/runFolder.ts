/**
 * Writing a run folder: created once with the frozen spec, then appended to (metrics,
 * sample records, log) and updated (run.json) while the trainer works. Pure Node fs.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { MetricPoint, RunInfo, SampleRecord } from '../protocol';
import { writeFileAtomic } from './atomic';
import { runPath, slug, timestamp } from './layout';

export interface NewRun {
  runsDir: string;
  /** The spec's text, frozen in the run as spec.gan.json. */
  specText: string;
  /** The .gan.json the run was started from (absolute). */
  specFile: string;
  /** The spec's name, else the file's base name. */
  name: string;
  seed: number;
  totalSteps: number;
  now?: Date;
}

/** Creates `<runsDir>/<slug>-<timestamp>[-n]/` with the frozen spec and a first run.json. */
export function createRun(run: NewRun): RunInfo {
  const runsDir = resolve(run.runsDir);
  mkdirSync(runsDir, { recursive: true });
  const now = run.now ?? new Date();
  const base = `${slug(run.name)}-${timestamp(now)}`;
  let id = base;
  for (let n = 2; existsSync(join(runsDir, id)); n++) id = `${base}-${n}`;
  const dir = join(runsDir, id);
  mkdirSync(dir);
  mkdirSync(runPath(dir, 'samples'));
  mkdirSync(runPath(dir, 'checkpoints'));
  writeFileAtomic(runPath(dir, 'spec'), run.specText);
  const info: RunInfo = {
    id,
    dir,
    specFile: isAbsolute(run.specFile) ? run.specFile : resolve(run.specFile),
    name: run.name,
    startedAt: now.toISOString(),
    status: 'starting',
    step: 0,
    totalSteps: run.totalSteps,
    seed: run.seed,
  };
  writeRunInfo(info);
  writeFileSync(runPath(dir, 'metrics'), '');
  writeFileSync(runPath(dir, 'sampleIndex'), '');
  return info;
}

/** Replaces run.json atomically (readers never see half a file). */
export function writeRunInfo(info: RunInfo): void {
  writeFileAtomic(runPath(info.dir, 'info'), JSON.stringify(info, null, 2) + '\n');
}

export function appendMetrics(runDir: string, points: MetricPoint[]): void {
  if (points.length === 0) return;
  appendFileSync(runPath(runDir, 'metrics'), points.map((p) => JSON.stringify(p)).join('\n') + '\n');
}

export function appendSampleRecord(runDir: string, record: SampleRecord): void {
  appendFileSync(runPath(runDir, 'sampleIndex'), JSON.stringify(record) + '\n');
}

/** Appends a line to log.txt, stamped with the time. */
export function appendLog(runDir: string, line: string, now = new Date()): void {
  appendFileSync(runPath(runDir, 'log'), `${now.toISOString()} ${line}\n`);
}

/**
 * Before resuming from a checkpoint at `step`: forget the metrics and sample records of
 * later steps (they are about to be made again), so the history reads as one run.
 */
export function truncateAfterStep(runDir: string, step: number): void {
  for (const file of ['metrics', 'sampleIndex'] as const) {
    const path = runPath(runDir, file);
    if (!existsSync(path)) continue;
    const kept = readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => {
        if (line.trim() === '') return false;
        try {
          return (JSON.parse(line) as { step: number }).step <= step;
        } catch {
          return false; // a line torn by a kill
        }
      });
    writeFileAtomic(path, kept.length ? kept.join('\n') + '\n' : '');
  }
}
