/**
 * One data-parallel worker thread: a full replica of G, D and both optimisers on its own
 * tfjs backend (its own wasm instance, so its own core), training on its shard of every
 * batch. Per update it computes the gradients of its shard's loss, averages them with
 * the other workers' through the shared buffer (GradientExchange), and applies the mean
 * with the same optimiser state as every other worker, so the replicas stay bit-for-bit
 * identical — the same scheme as PyTorch's DistributedDataParallel.
 *
 * Batch norm: each worker normalises with its shard's statistics (DDP without
 * SyncBatchNorm). The moving statistics, which every worker updates from its own shard,
 * are averaged over the workers at the end of each step (with G's gradients, in the same
 * exchange), so the replicas stay identical and a checkpoint holds one set.
 *
 * The coordinator (coordinator.ts) sends the shards and collects the losses; a worker
 * never reads data, writes files or draws from the session's random stream.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { analyzeText } from '../../spec';
import { BackendChoice, resolveBackend } from '../backend';
import { Gan } from '../gan';
import { setDropoutSeedSource } from '../model/customLayers';
import { GanOptimizer } from '../optimizers';
import { Random } from '../random';
import { discriminatorGradients, disposeInputs, generatorGradients, readScalars, UpdateInputs } from '../updates';
import { DataParallelWorkerData, GradientExchange } from '../wasm/dataParallel';
import { registerSecondOrderGradients } from '../wasm/secondOrderGradients';
import type { FromWorker, Shard, ShardStep, ToWorker, WorkerSetup } from './messages';
import { stateTransfers } from './messages';
import { captureReplica, loadReplica, Replica } from './replica';

/**
 * How long a worker waits at the exchange for the others. Long: a step on the cpu
 * backend can take minutes, and a crashed worker is noticed by the coordinator, which
 * then terminates the others (terminate() ends a thread blocked in Atomics.wait).
 */
const EXCHANGE_TIMEOUT_MS = 24 * 60 * 60 * 1000;

/** True in a thread started by the coordinator (the trainer's script dispatches on it). */
export function isDataParallelWorker(data: unknown = workerData): boolean {
  return typeof data === 'object' && data !== null && 'ganStudioDataParallel' in data;
}

/** The worker thread's main: answers the coordinator's messages until `close`. */
export function runDataParallelWorker(): void {
  const port = parentPort;
  if (!port) throw new Error('runDataParallelWorker() runs in a worker thread.');
  const send = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  const fail = (error: unknown) => send({ type: 'error', message: (error as Error)?.message ?? String(error), stack: (error as Error)?.stack });
  let worker: ReplicaWorker | undefined;
  // Messages are handled one at a time: the coordinator awaits each reply before the next.
  let queue = Promise.resolve();
  port.on('message', (message: ToWorker) => {
    queue = queue.then(async () => {
      try {
        if (!worker) throw new Error('not ready');
        await worker.handle(message, send);
      } catch (error) {
        fail(error);
      }
    });
  });
  ReplicaWorker.create(workerData as DataParallelWorkerData<WorkerSetup>).then(
    (created) => {
      worker = created;
      send({ type: 'ready' });
    },
    fail,
  );
}

class ReplicaWorker implements Replica {
  private steps = 0;
  private readonly generatorVariables: tf.Variable[];
  private readonly discriminatorVariables: tf.Variable[];
  /** Batch norm's moving statistics of both networks (averaged over the workers every step). */
  private readonly movingStatistics: tf.Variable[];

  private constructor(
    private readonly exchange: GradientExchange,
    private readonly setup: WorkerSetup,
    readonly gan: Gan,
    readonly generatorOptimizer: GanOptimizer,
    readonly discriminatorOptimizer: GanOptimizer,
  ) {
    this.generatorVariables = gan.trainableVariables('generator');
    this.discriminatorVariables = gan.trainableVariables('discriminator');
    this.movingStatistics = [gan.generator.model, gan.discriminator.model].flatMap((m) => m.nonTrainableWeights.map((w) => w.read() as tf.Variable));
  }

  static async create(data: DataParallelWorkerData<WorkerSetup>): Promise<ReplicaWorker> {
    const exchange = new GradientExchange({ ...data.ganStudioDataParallel, timeoutMs: EXCHANGE_TIMEOUT_MS });
    const setup = data.user;
    const report = await resolveBackend({ choice: setup.backend as BackendChoice });
    if (report.name !== setup.backend) throw new Error(`the ${setup.backend} backend did not start in the worker (got ${report.name})`);
    registerSecondOrderGradients();
    const analysis = analyzeText(setup.specText);
    const gan = Gan.build(analysis, setup.seed);
    const training = gan.spec.training;
    return new ReplicaWorker(
      exchange,
      setup,
      gan,
      new GanOptimizer(training.generatorOptimizer, gan.trainableVariables('generator')),
      new GanOptimizer(training.discriminatorOptimizer, gan.trainableVariables('discriminator')),
    );
  }

  get rank(): number {
    return this.exchange.rank;
  }

  async handle(message: ToWorker, send: (message: FromWorker, transfer?: ArrayBuffer[]) => void): Promise<void> {
    switch (message.type) {
      case 'load':
        loadReplica(this, message.state);
        send({ type: 'loaded' });
        return;
      case 'step':
        send({ type: 'stepped', scalars: await this.trainStep(message.step) });
        return;
      case 'pull': {
        const state = captureReplica(this, message.optimizers);
        send({ type: 'state', state }, stateTransfers(state));
        return;
      }
      case 'memory':
        send({ type: 'memory', numTensors: tf.memory().numTensors });
        return;
      case 'close':
        this.dispose();
        // Only this thread ends (process.exit in a worker stops the worker), with code 0:
        // the coordinator takes that as the clean end.
        process.exit(0);
    }
  }

  /** One step on this worker's shards; returns its shard's losses and verdicts (last D update, and G). */
  private async trainStep(step: ShardStep): Promise<Record<string, number>> {
    this.steps++;
    const scalars: Record<string, tf.Scalar> = {};
    try {
      for (const shard of step.discriminator) {
        const d = this.discriminatorUpdate(shard);
        tf.dispose(Object.values(scalars));
        for (const key of Object.keys(scalars)) delete scalars[key];
        Object.assign(scalars, d);
      }
      Object.assign(scalars, this.generatorUpdate(step.generator));
      const names = Object.keys(scalars);
      const values = await readScalars(names.map((n) => scalars[n]));
      const read: Record<string, number> = {};
      names.forEach((n, i) => (read[n] = values[i]));
      return read;
    } finally {
      tf.dispose(Object.values(scalars));
      setDropoutSeedSource(undefined);
    }
  }

  private discriminatorUpdate(shard: Shard): Record<string, tf.Scalar> {
    const inputs = this.inputs(shard);
    this.seedDropout(shard);
    const { grads, scalars } = discriminatorGradients(this.gan, inputs, () => tf.tensor1d(shard.epsilon!));
    this.injectFault();
    const mean = this.allReduce(this.discriminatorVariables, grads, []);
    this.discriminatorOptimizer.apply(mean);
    disposeInputs(inputs);
    tf.dispose([...Object.values(grads), ...Object.values(mean)]);
    return scalars;
  }

  private generatorUpdate(shard: Shard): Record<string, tf.Scalar> {
    const inputs = this.inputs(shard);
    this.seedDropout(shard);
    const { grads, scalars } = generatorGradients(this.gan, inputs);
    // The last forward pass of the step is done: every moving statistic has its final value.
    const mean = this.allReduce(this.generatorVariables, grads, this.movingStatistics);
    this.generatorOptimizer.apply(mean);
    disposeInputs(inputs);
    tf.dispose([...Object.values(grads), ...Object.values(mean)]);
    return scalars;
  }

  /**
   * The mean over the workers of `grads` (keyed by variable name, as variableGrads gives
   * them), in one exchange with `averaged` — variables replaced by their mean in place.
   * Order: the variables' order, the same in every worker.
   */
  private allReduce(variables: tf.Variable[], grads: tf.NamedTensorMap, averaged: tf.Variable[]): tf.NamedTensorMap {
    const present = variables.filter((v) => grads[v.name] !== undefined);
    const means = this.exchange.allReduceMean([...present.map((v) => grads[v.name]), ...averaged]);
    const out: tf.NamedTensorMap = {};
    present.forEach((v, i) => (out[v.name] = means[i]));
    averaged.forEach((v, i) => {
      v.assign(means[present.length + i]);
      means[present.length + i].dispose();
    });
    return out;
  }

  /** The update's tensors, as the one-core step makes them from a batch. */
  private inputs(shard: Shard): UpdateInputs {
    const gan = this.gan;
    const n = shard.count;
    const latentSize = gan.latentSize;
    return {
      real: tf.tensor(shard.images, [n, ...gan.dataShape]),
      label: gan.classes && shard.labels ? tf.tensor2d(shard.labels, [n, 1], 'int32') : undefined,
      source: gan.paired && shard.sources ? tf.tensor(shard.sources, [n, ...gan.sourceShape!]) : undefined,
      latent: latentSize && shard.latents ? tf.tensor2d(shard.latents, [n, latentSize]) : undefined,
    };
  }

  /** Dropout masks from the update's seed and this worker's rank: different per shard, repeatable. */
  private seedDropout(shard: Shard): void {
    const random = new Random(shard.dropoutSeed ?? 0, 'dropout', this.rank);
    setDropoutSeedSource(() => random.nextUint32());
  }

  private injectFault(): void {
    const fault = this.setup.fault;
    if (!fault || fault.rank !== this.rank || fault.step !== this.steps) return;
    if (fault.kind === 'exit') process.exit(3);
    throw new Error(`injected fault at step ${this.steps}`);
  }

  dispose(): void {
    this.generatorOptimizer.dispose();
    this.discriminatorOptimizer.dispose();
    this.gan.dispose();
  }
}
