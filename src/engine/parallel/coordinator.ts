/**
 * Data-parallel training of a TrainingSession on W worker threads (the trainer uses it
 * for W ≥ 2; one worker trains in the session itself, without any of this).
 *
 * Who does what:
 * - This thread (the coordinator) keeps the session: data stream, seeded random stream,
 *   step count, fixed sample batch. Each step it draws the step's inputs for the whole
 *   batch (drawStep.ts), sends each worker its shard, and reports the mean of the
 *   workers' losses — the whole batch's losses, shards being equal.
 * - Each worker (worker.ts) holds a full replica and trains on its shard, averaging
 *   gradients with the others (an all-reduce through a SharedArrayBuffer), so the
 *   replicas stay identical.
 * - The session's own networks and optimisers are the canonical copy at rest: they are
 *   sent to every worker at the start (the broadcast that makes all replicas equal) and
 *   refreshed from worker 0 by sync() before a checkpoint, a sample or a walk. So
 *   saveCheckpoint, writeSample and the latent walk work unchanged, and a checkpoint
 *   holds exactly what a one-worker run's would.
 *
 * A failing worker ends the step with a DataParallelError (never a hang: workerGroup.ts);
 * the caller keeps the last checkpoint, which sync() never touched after the failure.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { MetricPoint } from '../../protocol';
import type { TrainingSession } from '../training';
import { parameterCount } from '../wasm/dataParallel';
import { drawStep } from './drawStep';
import { InjectedFault, stateTransfers, stepTransfers } from './messages';
import { captureReplica, loadReplica } from './replica';
import { DataParallelError, WorkerGroup } from './workerGroup';

export { DataParallelError } from './workerGroup';

export interface DataParallelOptions {
  workers: number;
  /** tfjs backend of the workers: the coordinator's, `wasm` or `cpu`. */
  backend: string;
  /**
   * The script the worker threads run: one that calls runDataParallelWorker() when
   * isDataParallelWorker() (the trainer's bundle does). Default: workerEntry.js beside
   * this file (tsc output).
   */
  script?: string;
  /** For tests of crash handling only. */
  fault?: InjectedFault;
}

/** The worker script compiled beside this file (tests, benchmarks); a bundle passes its own. */
export function defaultWorkerScript(): string {
  const script = join(__dirname, 'workerEntry.js');
  if (!existsSync(script)) throw new Error(`Cannot find the data-parallel worker script ${script}; pass the bundle's own script.`);
  return script;
}

export class DataParallelTrainer {
  /** The session's networks and optimisers lag behind the workers' (a step ran since the last sync). */
  private stale = false;

  private constructor(
    readonly session: TrainingSession,
    private readonly group: WorkerGroup,
  ) {}

  /** Starts the workers and gives each the session's current state (weights, optimisers). */
  static async start(session: TrainingSession, options: DataParallelOptions): Promise<DataParallelTrainer> {
    // One worker works too (the tests compare it with the one-core step); the trainer never starts fewer than 2.
    if (!(Number.isInteger(options.workers) && options.workers >= 1)) throw new Error(`Data-parallel training needs 1 or more workers, not ${options.workers}.`);
    if (session.batchSize % options.workers !== 0) throw new Error(`Batch ${session.batchSize} does not split into ${options.workers} equal shards.`);
    const gan = session.gan;
    const nonTrainable = [gan.generator.model, gan.discriminator.model].flatMap((m) => m.nonTrainableWeights.map((w) => w.read()));
    // The biggest exchange: G's gradients with every moving statistic (worker.ts), or D's gradients.
    const exchangeFloats = Math.max(parameterCount(gan.trainableVariables('discriminator')), parameterCount(gan.trainableVariables('generator')) + parameterCount(nonTrainable));
    const group = await WorkerGroup.start(options.script ?? defaultWorkerScript(), options.workers, exchangeFloats, {
      specText: JSON.stringify(gan.spec),
      seed: session.seed,
      backend: options.backend,
      fault: options.fault,
    });
    const trainer = new DataParallelTrainer(session, group);
    try {
      await trainer.push();
    } catch (error) {
      await group.close();
      throw error;
    }
    return trainer;
  }

  get workers(): number {
    return this.group.size;
  }

  /** One training step on every worker; the metric point holds the whole batch's means. */
  async trainStep(): Promise<MetricPoint> {
    if (this.group.failed) throw this.group.failed;
    const started = performance.now();
    const shards = await drawStep(this.session, this.group.size);
    this.stale = true;
    const replies = await this.group.requestAll((rank) => ({ message: { type: 'step', step: shards[rank] }, transfer: stepTransfers(shards[rank]) }), 'stepped');
    // The mean over equal shards of each shard's mean is the batch mean.
    const read: Record<string, number> = {};
    for (const name of Object.keys(replies[0].scalars)) read[name] = replies.reduce((sum, r) => sum + r.scalars[name], 0) / replies.length;
    return this.session.completeStep(read, performance.now() - started);
  }

  /** Makes the session's networks and optimisers equal to the workers' (before a checkpoint, sample or walk). */
  async sync(): Promise<void> {
    if (!this.stale) return;
    const reply = await this.group.request(0, { type: 'pull', optimizers: true }, 'state');
    loadReplica(this.session, reply.state);
    this.stale = false;
  }

  /** Sends the session's state to every worker (at the start, and after restoring a checkpoint into the session). */
  async push(): Promise<void> {
    await this.group.requestAll(() => {
      // One copy per worker: transferred buffers leave this thread.
      const state = captureReplica(this.session, true);
      return { message: { type: 'load', state }, transfer: stateTransfers(state) };
    }, 'loaded');
    this.stale = false;
  }

  /** Every worker's full state (tests: the replicas must be identical). */
  async replicaStates() {
    return Promise.all(this.group.threads.map((_, rank) => this.group.request(rank, { type: 'pull', optimizers: true }, 'state').then((r) => r.state)));
  }

  /** tf.memory().numTensors of every worker (tests: no leaks). */
  async workerTensorCounts(): Promise<number[]> {
    return (await this.group.requestAll(() => ({ message: { type: 'memory' } }), 'memory')).map((r) => r.numTensors);
  }

  /** The worker threads (tests). */
  get threads() {
    return this.group.threads;
  }

  /** Ends the workers (they dispose their replicas first). The session stays usable. */
  async close(): Promise<void> {
    await this.group.close();
  }
}

/** Whether an error is a worker failure (the run stops; its last checkpoint stays good). */
export function isDataParallelError(error: unknown): error is DataParallelError {
  return error instanceof DataParallelError;
}
