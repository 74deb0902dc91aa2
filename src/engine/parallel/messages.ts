/**
 * What the coordinator (the trainer's main thread) and its data-parallel workers say to
 * each other over postMessage. Plain data: typed arrays travel as transferables.
 */

/** One worker's part of one update: its shard of the real batch and of every random draw. */
export interface Shard {
  /** Real samples (pix2pix: the targets), `count·sampleSize` values. */
  images: Float32Array;
  count: number;
  labels?: Int32Array;
  /** pix2pix: G's input images. */
  sources?: Float32Array;
  latents?: Float32Array;
  /** WGAN-GP's mixing weights ε, one per sample (D updates only). */
  epsilon?: Float32Array;
  /** Seed of this update's dropout masks; each worker derives its own stream from it. */
  dropoutSeed?: number;
}

/** One worker's share of one training step: `discriminatorSteps` D updates, then one G update. */
export interface ShardStep {
  discriminator: Shard[];
  generator: Shard;
}

export interface OptimizerArrays {
  kind: string;
  step: number;
  names: string[];
  arrays: Float32Array[];
}

/** Everything that makes a replica: both networks' weights (model.weights order) and both optimisers. */
export interface ReplicaState {
  generator: Float32Array[];
  discriminator: Float32Array[];
  /** Absent when only the weights were asked for (samples, walks). */
  optimizers?: { generator: OptimizerArrays; discriminator: OptimizerArrays };
}

/** A deliberate failure, for the tests of crash handling (see coordinator.ts). */
export interface InjectedFault {
  rank: number;
  /** The worker's step count (1-based, counted from its start) at which to fail. */
  step: number;
  /** `throw`: an exception mid-step; `exit`: the thread ends abruptly. */
  kind: 'throw' | 'exit';
}

/** The environment variable that injects a worker fault: `RANK:STEP:throw` or `RANK:STEP:exit` (tests only). */
export const FAULT_ENV = 'GAN_STUDIO_TEST_WORKER_FAULT';

/** The fault $GAN_STUDIO_TEST_WORKER_FAULT asks for, if any (the trainer's tests crash a worker with it). */
export function faultFromEnv(env: NodeJS.ProcessEnv): InjectedFault | undefined {
  const match = /^(\d+):(\d+):(throw|exit)$/.exec(env[FAULT_ENV] ?? '');
  return match ? { rank: Number(match[1]), step: Number(match[2]), kind: match[3] as InjectedFault['kind'] } : undefined;
}

/** workerData.user of a data-parallel worker. */
export interface WorkerSetup {
  /** The spec as JSON text: every worker builds the same networks from it. */
  specText: string;
  seed: number;
  /** The coordinator's tfjs backend: `wasm` or `cpu`. */
  backend: string;
  fault?: InjectedFault;
}

export type ToWorker =
  | { type: 'load'; state: ReplicaState }
  | { type: 'step'; step: ShardStep }
  | { type: 'pull'; optimizers: boolean }
  | { type: 'memory' }
  | { type: 'close' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'loaded' }
  | { type: 'stepped'; scalars: Record<string, number> }
  | { type: 'state'; state: ReplicaState }
  | { type: 'memory'; numTensors: number }
  | { type: 'error'; message: string; stack?: string };

/**
 * The buffers of a step's shards, to transfer rather than copy. Every array must own its
 * buffer (drawStep makes copies): transferring a view would detach the data it views.
 */
export function stepTransfers(step: ShardStep): ArrayBuffer[] {
  const arrays = [...step.discriminator, step.generator].flatMap((s) => [s.images, s.labels, s.sources, s.latents, s.epsilon]);
  return ownBuffers(arrays);
}

/** The buffers of a replica state (arrays made by captureReplica, each with its own buffer). */
export function stateTransfers(state: ReplicaState): ArrayBuffer[] {
  const optimizers = state.optimizers ? [...state.optimizers.generator.arrays, ...state.optimizers.discriminator.arrays] : [];
  return ownBuffers([...state.generator, ...state.discriminator, ...optimizers]);
}

function ownBuffers(arrays: Array<Float32Array | Int32Array | undefined>): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const a of arrays) {
    if (a && a.buffer instanceof ArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength) out.add(a.buffer);
  }
  return [...out];
}
