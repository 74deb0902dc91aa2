/**
 * Where everything lives in a run folder. One place for the names, so the trainer that
 * writes a run and the extension that reads it cannot disagree:
 *
 *   <runsDir>/<spec-name>-<YYYYMMDD-HHMMSS>/
 *     spec.gan.json          the spec as it was when training started (frozen)
 *     run.json               RunInfo, replaced atomically on every change
 *     metrics.jsonl          one MetricPoint per line
 *     samples/index.jsonl    one SampleRecord per line
 *     samples/step-000100.png (or .json for 2-D data)
 *     walks/walk-<id>.png    latent walks asked for while training
 *     checkpoints/step-000500/  one complete checkpoint (see checkpoints.ts)
 *     checkpoints/latest.json   {"step": 500, "dir": "step-000500"}
 *     log.txt                what the trainer said, with times
 */
import { join } from 'node:path';

export const RUN_FILES = {
  spec: 'spec.gan.json',
  info: 'run.json',
  metrics: 'metrics.jsonl',
  samples: 'samples',
  sampleIndex: join('samples', 'index.jsonl'),
  walks: 'walks',
  checkpoints: 'checkpoints',
  latestCheckpoint: join('checkpoints', 'latest.json'),
  log: 'log.txt',
} as const;

export function runPath(runDir: string, file: keyof typeof RUN_FILES): string {
  return join(runDir, RUN_FILES[file]);
}

/** `step-000100`: zero-padded so that names sort by step. */
export function stepName(step: number): string {
  return `step-${String(step).padStart(6, '0')}`;
}

/** The step in a `step-000100…` name, or undefined. */
export function stepFromName(name: string): number | undefined {
  const match = /^step-(\d+)(?:\.\w+)?$/.exec(name);
  return match ? Number(match[1]) : undefined;
}

/** A folder-name-safe form of a spec's name: `DCGAN on MNIST` → `dcgan-on-mnist`. */
export function slug(name: string): string {
  const text = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents, split off by NFKD
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return text || 'gan';
}

/** `20261126-141503` in local time: readable, and sorts by time. */
export function timestamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${two(date.getMonth() + 1)}${two(date.getDate())}-${two(date.getHours())}${two(date.getMinutes())}${two(date.getSeconds())}`;
}
