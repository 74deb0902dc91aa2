/**
 * What a checkpoint holds, and saving/restoring a training session through it. The
 * atomic folder mechanics are src/run/checkpoints.ts; here are the contents:
 *
 *   generator.json, generator.weights.bin          G (tfjs model format; loadable with
 *   discriminator.json, discriminator.weights.bin  D  tf.loadLayersModel(fileModelIO(…)))
 *   optimizers.json, optimizers.bin                both optimisers' step and slots
 *   fixed.json, fixed.bin                          the fixed sample batch
 *   state.json                                     step, data position, RNG state, time
 *   checkpoint.json                                the manifest (written by src/run)
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointRef, CheckpointWriter } from '../run/checkpoints';
import { fileModelIO, loadWeightsInto } from './fileModelIO';
import { FixedBatch, FixedBatchFile, packFixedBatch, unpackFixedBatch } from './fixedBatch';
import type { Gan } from './gan';
import type { GanOptimizer } from './optimizers';
import { NamedArray, PackedEntry, packArrays, unpackArrays } from './packedArrays';
import type { SessionState, TrainingSession } from './training';

interface OptimizersFile {
  generator: { kind: string; step: number; names: string[] };
  discriminator: { kind: string; step: number; names: string[] };
  arrays: PackedEntry[];
}

export async function saveCheckpoint(session: TrainingSession, runDir: string): Promise<CheckpointRef> {
  const writer = new CheckpointWriter(runDir, session.step);
  try {
    const write = (name: string, data: string | Uint8Array) => writer.writeFile(name, data);
    await session.gan.generator.model.save(fileModelIO(writer.dir, 'generator', write));
    await session.gan.discriminator.model.save(fileModelIO(writer.dir, 'discriminator', write));

    const arrays: NamedArray[] = [];
    const describe = (role: 'generator' | 'discriminator', optimizer: GanOptimizer) => {
      const state = optimizer.getState();
      state.tensors.forEach((t, i) => arrays.push({ name: `${role}/${state.names[i]}`, shape: t.shape, data: t.dataSync() as Float32Array }));
      return { kind: state.kind, step: state.step, names: state.names };
    };
    const optimizers = { generator: describe('generator', session.generatorOptimizer), discriminator: describe('discriminator', session.discriminatorOptimizer) };
    const packedOptimizers = packArrays(arrays);
    write('optimizers.bin', packedOptimizers.bytes);
    write('optimizers.json', JSON.stringify({ ...optimizers, arrays: packedOptimizers.index } satisfies OptimizersFile));

    const fixed = packFixedBatch(session.fixed);
    write('fixed.bin', fixed.bytes);
    write('fixed.json', JSON.stringify(fixed.json));
    write('state.json', JSON.stringify(session.state, null, 2));
    return writer.commit();
  } catch (error) {
    writer.abort();
    throw error;
  }
}

/** Loads G's and D's weights from a checkpoint folder into a GAN built from the same spec. */
export async function loadGanWeights(gan: Gan, checkpointDir: string): Promise<void> {
  await loadWeightsInto(gan.generator.model, fileModelIO(checkpointDir, 'generator'));
  await loadWeightsInto(gan.discriminator.model, fileModelIO(checkpointDir, 'discriminator'));
}

export function readFixedBatch(checkpointDir: string): FixedBatch {
  const json = JSON.parse(readFileSync(join(checkpointDir, 'fixed.json'), 'utf8')) as FixedBatchFile;
  return unpackFixedBatch(json, readFileSync(join(checkpointDir, 'fixed.bin')));
}

export function readSessionState(checkpointDir: string): SessionState {
  return JSON.parse(readFileSync(join(checkpointDir, 'state.json'), 'utf8')) as SessionState;
}

/** Restores everything a session needs to continue exactly where the checkpoint was taken. */
export async function restoreCheckpoint(session: TrainingSession, checkpointDir: string): Promise<void> {
  await loadGanWeights(session.gan, checkpointDir);
  const file = JSON.parse(readFileSync(join(checkpointDir, 'optimizers.json'), 'utf8')) as OptimizersFile;
  const arrays = unpackArrays(file.arrays, readFileSync(join(checkpointDir, 'optimizers.bin')));
  for (const [role, optimizer] of [['generator', session.generatorOptimizer], ['discriminator', session.discriminatorOptimizer]] as const) {
    const saved = file[role];
    const tensors = saved.names.map((name) => {
      const array = arrays.get(`${role}/${name}`);
      if (!array) throw new Error(`The checkpoint lacks the ${role} optimiser's slot ${name}.`);
      return tf.tensor(array.data, array.shape);
    });
    try {
      optimizer.setState({ kind: saved.kind, step: saved.step, names: saved.names, tensors });
    } finally {
      tf.dispose(tensors);
    }
  }
  session.fixed = readFixedBatch(checkpointDir);
  await session.restore(readSessionState(checkpointDir));
}
