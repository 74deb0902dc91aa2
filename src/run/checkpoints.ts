/**
 * Checkpoint folders, written so that killing the trainer at any moment leaves the last
 * complete checkpoint loadable:
 *
 * 1. every file goes into a temporary folder `checkpoints/.tmp-step-000500-…` and is fsynced;
 * 2. `checkpoint.json` (the manifest: step and each file's size) is written last, fsynced;
 * 3. the folder is renamed to `checkpoints/step-000500` (atomic), and `checkpoints/` fsynced;
 * 4. `checkpoints/latest.json` is replaced atomically to point at it.
 *
 * A reader trusts only folders named `step-…` whose manifest lists files that all exist
 * with the recorded sizes, and takes the highest such step; `latest.json` is a convenience
 * for other tools. Leftover temporary folders are removed when the next writer starts.
 * What goes *in* a checkpoint is the engine's business (see src/engine/checkpoint.ts).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncFolder, writeFileAtomic, writeFileDurable } from './atomic';
import { runPath, stepFromName, stepName } from './layout';

export const MANIFEST_FILE = 'checkpoint.json';
const FORMAT = 'gan-studio-checkpoint';

export interface CheckpointManifest {
  format: typeof FORMAT;
  version: 1;
  step: number;
  createdAt: string;
  files: { name: string; bytes: number }[];
}

export interface CheckpointRef {
  step: number;
  /** Absolute path of the checkpoint folder. */
  dir: string;
  manifest: CheckpointManifest;
}

/** A checkpoint being written: put files in `dir`, then `commit()` (or `abort()`). */
export class CheckpointWriter {
  readonly dir: string;
  private readonly checkpointsDir: string;
  private done = false;

  constructor(
    runDir: string,
    readonly step: number,
  ) {
    this.checkpointsDir = runPath(runDir, 'checkpoints');
    mkdirSync(this.checkpointsDir, { recursive: true });
    removeStaleTemporaries(this.checkpointsDir);
    this.dir = join(this.checkpointsDir, `.tmp-${stepName(step)}-${process.pid}-${Date.now().toString(36)}`);
    mkdirSync(this.dir);
  }

  /** Writes one file of the checkpoint (fsynced). */
  writeFile(name: string, data: string | Uint8Array): void {
    if (name === MANIFEST_FILE || name.includes('/') || name.includes('\\')) throw new Error(`Invalid checkpoint file name "${name}"`);
    writeFileDurable(join(this.dir, name), data);
  }

  /** Publishes the checkpoint atomically and points latest.json at it. */
  commit(): CheckpointRef {
    if (this.done) throw new Error('This checkpoint was already committed or aborted.');
    this.done = true;
    const files = readdirSync(this.dir)
      .sort()
      .map((name) => ({ name, bytes: statSync(join(this.dir, name)).size }));
    const manifest: CheckpointManifest = { format: FORMAT, version: 1, step: this.step, createdAt: new Date().toISOString(), files };
    writeFileDurable(join(this.dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
    fsyncFolder(this.dir);
    const target = join(this.checkpointsDir, stepName(this.step));
    if (existsSync(target)) {
      // Re-writing a step (a resumed run passing it again): move the old one aside first.
      const old = join(this.checkpointsDir, `.old-${stepName(this.step)}-${process.pid}-${Date.now().toString(36)}`);
      renameSync(target, old);
      renameSync(this.dir, target);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(this.dir, target);
    }
    fsyncFolder(this.checkpointsDir);
    writeFileAtomic(join(this.checkpointsDir, 'latest.json'), JSON.stringify({ step: this.step, dir: stepName(this.step) }) + '\n');
    return { step: this.step, dir: target, manifest };
  }

  abort(): void {
    if (this.done) return;
    this.done = true;
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function removeStaleTemporaries(checkpointsDir: string): void {
  for (const name of readdirSync(checkpointsDir)) {
    if (name.startsWith('.tmp-') || name.startsWith('.old-')) rmSync(join(checkpointsDir, name), { recursive: true, force: true });
  }
}

/** The manifest of a complete checkpoint folder, or why it is not one. */
export function validateCheckpoint(dir: string): { ok: true; manifest: CheckpointManifest } | { ok: false; reason: string } {
  let manifest: CheckpointManifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as CheckpointManifest;
  } catch (error) {
    return { ok: false, reason: `no readable ${MANIFEST_FILE} (${(error as Error).message})` };
  }
  if (manifest.format !== FORMAT || !Array.isArray(manifest.files) || !Number.isInteger(manifest.step)) return { ok: false, reason: `${MANIFEST_FILE} is not a GAN Studio checkpoint manifest` };
  for (const file of manifest.files) {
    let size: number;
    try {
      size = statSync(join(dir, file.name)).size;
    } catch {
      return { ok: false, reason: `${file.name} is missing` };
    }
    if (size !== file.bytes) return { ok: false, reason: `${file.name} has ${size} bytes, the manifest says ${file.bytes}` };
  }
  return { ok: true, manifest };
}

/** Every complete checkpoint of a run, oldest first. */
export function listCheckpoints(runDir: string): CheckpointRef[] {
  const checkpointsDir = runPath(runDir, 'checkpoints');
  if (!existsSync(checkpointsDir)) return [];
  const refs: CheckpointRef[] = [];
  for (const name of readdirSync(checkpointsDir)) {
    const step = stepFromName(name);
    if (step === undefined) continue;
    const dir = join(checkpointsDir, name);
    const check = validateCheckpoint(dir);
    if (check.ok && check.manifest.step === step) refs.push({ step, dir, manifest: check.manifest });
  }
  return refs.sort((a, b) => a.step - b.step);
}

/** The newest complete checkpoint of a run, if any. */
export function findLatestCheckpoint(runDir: string): CheckpointRef | undefined {
  const checkpointsDir = runPath(runDir, 'checkpoints');
  if (!existsSync(checkpointsDir)) return undefined;
  // Check from the highest step down; stop at the first complete one.
  const candidates = readdirSync(checkpointsDir)
    .map((name) => ({ name, step: stepFromName(name) }))
    .filter((c): c is { name: string; step: number } => c.step !== undefined)
    .sort((a, b) => b.step - a.step);
  for (const { name, step } of candidates) {
    const dir = join(checkpointsDir, name);
    const check = validateCheckpoint(dir);
    if (check.ok && check.manifest.step === step) return { step, dir, manifest: check.manifest };
  }
  return undefined;
}

/** Keeps the newest `keep` checkpoints (and `also`), deleting older ones. */
export function pruneCheckpoints(runDir: string, keep: number, also: number[] = []): number[] {
  const all = listCheckpoints(runDir);
  const doomed = all.slice(0, Math.max(0, all.length - keep)).filter((c) => !also.includes(c.step));
  for (const ref of doomed) rmSync(ref.dir, { recursive: true, force: true });
  return doomed.map((c) => c.step);
}
