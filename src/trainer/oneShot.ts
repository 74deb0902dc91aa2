/**
 * The `sample` and `walk` jobs: load a run's latest checkpoint and draw one picture —
 * what `gan-studio sample` and `gan-studio walk` do, and what the extension asks for when
 * no trainer is running for that run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { findLatestCheckpoint, readRunInfo, readRunSpec } from '../run';
import { RUN_FILES } from '../run/layout';
import { loadGanWeights, readFixedBatch } from '../engine/checkpoint';
import { batchForSampling } from '../engine/fixedBatch';
import { Gan } from '../engine/gan';
import { encodePng, pointsCanvas } from '../engine/images';
import { points2dSample, samplePng } from '../engine/samples';
import { latentWalkPng, WalkError } from '../engine/walk';
import type { EventChannel } from './channel';
import type { SampleJob, WalkJob } from './job';
import { checkedSpec, JobError, startBackend } from './setup';

async function loadRun(job: SampleJob | WalkJob, channel: EventChannel) {
  const runDir = resolve(job.runDir);
  const info = readRunInfo(runDir);
  if (!info) throw new JobError(`${job.runDir} is not a run folder (it has no ${RUN_FILES.info}).`);
  const checkpoint = findLatestCheckpoint(runDir);
  if (!checkpoint) throw new JobError(`${runDir} has no complete checkpoint yet.`);
  const analysis = checkedSpec(readRunSpec(runDir), join(runDir, RUN_FILES.spec));
  const backend = await startBackend(job, analysis);
  channel.emit({ type: 'log', line: `backend: using ${backend.name}` });
  channel.emit({ type: 'progress', stage: 'restoring-checkpoint', message: `Loading the checkpoint of step ${checkpoint.step}` });
  const gan = Gan.build(analysis, info.seed);
  try {
    await loadGanWeights(gan, checkpoint.dir);
  } catch (error) {
    gan.dispose();
    throw error;
  }
  return { gan, fixed: readFixedBatch(checkpoint.dir), step: checkpoint.step };
}

function writeOut(out: string, png: Buffer): string {
  const file = resolve(out);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, png);
  return file;
}

export async function runSampleJob(job: SampleJob, channel: EventChannel): Promise<'completed'> {
  const { gan, fixed, step } = await loadRun(job, channel);
  try {
    const batch = batchForSampling(gan, fixed, job.count ?? 64, job.seed);
    const png = batch.layout.kind === 'points2d' ? await encodePng(pointsCanvas(points2dSample(gan, batch, step))) : await samplePng(gan, batch);
    const file = writeOut(job.out, png);
    const message = `Wrote ${batch.count} samples of step ${step} to ${file}`;
    channel.emit({ type: 'finished', status: 'completed', step, message });
    return 'completed';
  } finally {
    gan.dispose();
  }
}

export async function runWalkJob(job: WalkJob, channel: EventChannel): Promise<'completed'> {
  const { gan, fixed, step } = await loadRun(job, channel);
  try {
    let png: Buffer;
    try {
      png = await latentWalkPng(gan, fixed, job.from ?? 0, job.to ?? 1, job.frames);
    } catch (error) {
      throw error instanceof WalkError ? new JobError(error.message) : error;
    }
    const file = writeOut(job.out, png);
    channel.emit({ type: 'walk', requestId: 'cli', file, frames: job.frames });
    channel.emit({ type: 'finished', status: 'completed', step, message: `Wrote a ${job.frames}-frame walk of step ${step} to ${file}` });
    return 'completed';
  } finally {
    gan.dispose();
  }
}
