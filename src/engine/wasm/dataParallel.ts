/**
 * Using several cores for training with the wasm backend: data parallelism.
 *
 * Why this way. One tfjs wasm instance runs on one core: tfjs turns its
 * threaded build off under Node, and forcing it on needs patching tfjs's
 * worker bootstrap; even then only XNNPACK's convolutions would be threaded,
 * not the element-wise kernels. Instead, W worker threads each run their own
 * tfjs + wasm instance (setupWasmBackend() in each), on 1/W of every batch:
 *
 *   each worker:  grads = gradients of the loss on its slice of the batch
 *                 grads = allReduceMean(grads)        // this file
 *                 optimizer.applyGradients(grads)     // identical everywhere
 *
 * Workers start from the same weights (broadcastFrom(0, …)) and apply the
 * same averaged gradients with the same optimizer, so their weights stay
 * identical, step after step — like PyTorch's DistributedDataParallel.
 * Everything in the step runs on all cores, including the element-wise work.
 *
 * What changes numerically: batch normalisation computes its statistics over
 * each worker's slice (32 images of a 64 batch with 2 workers), not over the
 * whole batch — the behaviour of DistributedDataParallel without SyncBatchNorm.
 * For GANs this is common and harmless at slices of 16 or more; for small
 * batches train on one worker. BN's moving averages also drift apart between
 * workers: average them before saving (averageInPlace). Dropout masks and the
 * generator's noise are drawn independently per worker, as they should be.
 *
 * The exchange goes through one SharedArrayBuffer: worker r writes its
 * gradients into slot r, all meet at a barrier (Atomics.wait / notify), each
 * sums the slots, and a second barrier frees the slots for the next call.
 */
import * as tf from '@tensorflow/tfjs';
import { Worker } from 'worker_threads';

const HEADER_INTS = 16;
const COUNT = 0;
const GENERATION = 1;

export interface ExchangeOptions {
  /** The buffer from createExchangeBuffer, shared with every worker. */
  buffer: SharedArrayBuffer;
  /** This worker's index, 0..workers-1. */
  rank: number;
  workers: number;
  /** Milliseconds a worker waits for the others before giving up (default 10 min). */
  timeoutMs?: number;
}

/**
 * Allocates the shared buffer for `workers` workers exchanging at most
 * `maxFloats` floats per call (the parameter count of the biggest model).
 */
export function createExchangeBuffer(workers: number, maxFloats: number): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER_INTS * 4 + workers * maxFloats * 4 + 4);
}

export class GradientExchange {
  readonly rank: number;
  readonly workers: number;
  private readonly ctrl: Int32Array;
  private readonly slots: Float32Array[];
  private readonly capacity: number;
  private readonly timeoutMs: number;

  constructor(options: ExchangeOptions) {
    const { buffer, rank, workers } = options;
    if (!(rank >= 0 && rank < workers)) throw new Error(`rank ${rank} is not in 0..${workers - 1}`);
    this.rank = rank;
    this.workers = workers;
    this.timeoutMs = options.timeoutMs ?? 10 * 60 * 1000;
    this.ctrl = new Int32Array(buffer, 0, HEADER_INTS);
    this.capacity = Math.floor((buffer.byteLength - HEADER_INTS * 4) / 4 / workers);
    this.slots = [];
    for (let r = 0; r < workers; r++) {
      this.slots.push(new Float32Array(buffer, HEADER_INTS * 4 + r * this.capacity * 4, this.capacity));
    }
  }

  /** Blocks until every worker has called barrier() the same number of times. */
  barrier(): void {
    const gen = Atomics.load(this.ctrl, GENERATION);
    if (Atomics.add(this.ctrl, COUNT, 1) === this.workers - 1) {
      Atomics.store(this.ctrl, COUNT, 0);
      Atomics.add(this.ctrl, GENERATION, 1);
      Atomics.notify(this.ctrl, GENERATION);
      return;
    }
    const deadline = Date.now() + this.timeoutMs;
    while (Atomics.load(this.ctrl, GENERATION) === gen) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`data-parallel worker ${this.rank}: the other workers did not arrive in time`);
      Atomics.wait(this.ctrl, GENERATION, gen, Math.min(left, 1000));
    }
  }

  private write(tensors: tf.Tensor[]): number {
    let offset = 0;
    const slot = this.slots[this.rank];
    for (const t of tensors) {
      const n = t.size;
      if (offset + n > this.capacity) {
        throw new Error(`data-parallel exchange: ${offset + n} floats exceed the buffer (${this.capacity})`);
      }
      slot.set(t.dataSync() as Float32Array, offset);
      offset += n;
    }
    return offset;
  }

  /**
   * The element-wise mean over all workers of `tensors` (same shapes, same
   * order in every worker). Returns new tensors; the inputs are not disposed.
   * For gradients this is the gradient of the whole batch when every worker
   * had the same number of examples (use a batch divisible by the workers).
   */
  allReduceMean(tensors: tf.Tensor[]): tf.Tensor[] {
    const total = this.write(tensors);
    this.barrier();
    const sum = new Float32Array(total);
    for (const slot of this.slots) {
      for (let i = 0; i < total; i++) sum[i] += slot[i];
    }
    this.barrier(); // every worker has read every slot: they may be reused
    const scale = 1 / this.workers;
    for (let i = 0; i < total; i++) sum[i] *= scale;
    let offset = 0;
    return tensors.map((t) => {
      const out = tf.tensor(sum.subarray(offset, offset + t.size), t.shape, 'float32');
      offset += t.size;
      return out;
    });
  }

  /** allReduceMean for a name → gradient map (names in sorted order everywhere). */
  allReduceGradients(grads: tf.NamedTensorMap): tf.NamedTensorMap {
    const names = Object.keys(grads).sort();
    const reduced = this.allReduceMean(names.map((n) => grads[n]));
    const out: tf.NamedTensorMap = {};
    names.forEach((n, i) => (out[n] = reduced[i]));
    return out;
  }

  /** Makes every worker's variables equal to worker `root`'s. */
  broadcastFrom(root: number, variables: tf.Variable[]): void {
    if (this.rank === root) this.writeTo(root, variables);
    this.barrier();
    if (this.rank !== root) this.readFrom(root, variables);
    this.barrier();
  }

  /** Replaces each variable by its mean over the workers (e.g. BN moving statistics before a checkpoint). */
  averageInPlace(variables: tf.Variable[]): void {
    const mean = this.allReduceMean(variables);
    variables.forEach((v, i) => {
      v.assign(mean[i]);
      mean[i].dispose();
    });
  }

  private writeTo(slotIndex: number, variables: tf.Variable[]): void {
    let offset = 0;
    for (const v of variables) {
      this.slots[slotIndex].set(v.dataSync() as Float32Array, offset);
      offset += v.size;
    }
  }

  private readFrom(slotIndex: number, variables: tf.Variable[]): void {
    let offset = 0;
    for (const v of variables) {
      const t = tf.tensor(this.slots[slotIndex].subarray(offset, offset + v.size), v.shape, 'float32');
      v.assign(t);
      t.dispose();
      offset += v.size;
    }
  }
}

/** Number of float32 values in these variables (to size the exchange buffer). */
export function parameterCount(variables: Array<{ size: number }>): number {
  return variables.reduce((s, v) => s + v.size, 0);
}

/**
 * Splits a batch dimension of `batch` rows among `workers`: the [start, size)
 * of worker `rank`. Sizes differ by at most one.
 */
export function shardOf(batch: number, rank: number, workers: number): { start: number; size: number } {
  const base = Math.floor(batch / workers);
  const extra = batch % workers;
  const size = base + (rank < extra ? 1 : 0);
  const start = rank * base + Math.min(rank, extra);
  return { start, size };
}

/** What startWorkers passes to each worker (read it with joinWorkers). */
export interface DataParallelWorkerData<T> {
  ganStudioDataParallel: { buffer: SharedArrayBuffer; rank: number; workers: number };
  user: T;
}

/**
 * Starts `workers` worker threads running `script`, sharing one exchange
 * buffer of `maxFloats` floats per worker. `user(rank)` is passed on as
 * workerData.user.
 */
export function startWorkers<T>(
  script: string,
  workers: number,
  maxFloats: number,
  user: (rank: number) => T,
  workerOptions: { execArgv?: string[]; resourceLimits?: object } = {},
): Worker[] {
  const buffer = createExchangeBuffer(workers, maxFloats);
  const list = [];
  for (let rank = 0; rank < workers; rank++) {
    const workerData: DataParallelWorkerData<T> = {
      ganStudioDataParallel: { buffer, rank, workers },
      user: user(rank),
    };
    list.push(new Worker(script, { ...workerOptions, workerData }));
  }
  return list;
}

/** In a worker started by startWorkers: its exchange and user data. */
export function joinWorkers<T>(workerData: unknown): { exchange: GradientExchange; user: T } {
  const data = workerData as DataParallelWorkerData<T> | undefined;
  if (!data || !data.ganStudioDataParallel) throw new Error('not a GAN Studio data-parallel worker');
  return { exchange: new GradientExchange(data.ganStudioDataParallel), user: data.user };
}
