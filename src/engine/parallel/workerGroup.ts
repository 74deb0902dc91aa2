/**
 * The coordinator's handle on its worker threads: start them, ask each something and
 * await its answer, end them — and never hang when one dies.
 *
 * Any failure of any worker (an error it reports, an uncaught exception, an exit nobody
 * asked for) fails the whole group at once: every pending request is rejected with a
 * DataParallelError naming the worker and the cause, and every thread is terminated —
 * the others may be blocked at the gradient exchange waiting for the dead one, and
 * terminate() ends a thread even inside Atomics.wait.
 */
import { Worker } from 'node:worker_threads';
import { startWorkers } from '../wasm/dataParallel';
import type { FromWorker, ToWorker, WorkerSetup } from './messages';

/** A data-parallel worker failed; the run cannot go on (its last checkpoint is intact). */
export class DataParallelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataParallelError';
  }
}

type Reply<T extends FromWorker['type']> = Extract<FromWorker, { type: T }>;

interface Pending {
  expect: FromWorker['type'];
  resolve: (message: FromWorker) => void;
  reject: (error: Error) => void;
}

/** How long close() lets a worker end by itself before terminating it. */
const CLOSE_GRACE_MS = 10_000;

export class WorkerGroup {
  private readonly pending = new Map<number, Pending>();
  private readonly exited: Promise<void>[];
  private failure?: DataParallelError;
  private closing = false;

  private constructor(readonly threads: Worker[]) {
    this.exited = threads.map((worker, rank) => {
      worker.on('message', (message: FromWorker) => this.onMessage(rank, message));
      worker.on('error', (error) => this.fail(rank, `stopped with an error: ${error.message}`));
      return new Promise<void>((resolve) =>
        worker.once('exit', (code) => {
          if (!this.closing || code !== 0) this.fail(rank, `exited unexpectedly (exit code ${code})`);
          resolve();
        }),
      );
    });
  }

  /** Starts `count` workers running `script` and waits until each has built its replica. */
  static async start(script: string, count: number, exchangeFloats: number, setup: WorkerSetup): Promise<WorkerGroup> {
    const group = new WorkerGroup(startWorkers<WorkerSetup>(script, count, exchangeFloats, () => setup));
    try {
      await Promise.all(group.threads.map((_, rank) => group.expect(rank, 'ready')));
    } catch (error) {
      await group.close();
      throw error;
    }
    return group;
  }

  get size(): number {
    return this.threads.length;
  }

  /** Sends `message` to worker `rank` and resolves with its reply of type `expect`. */
  request<T extends FromWorker['type']>(rank: number, message: ToWorker, expect: T, transfer: ArrayBuffer[] = []): Promise<Reply<T>> {
    const reply = this.expect(rank, expect);
    if (!this.failure) this.threads[rank].postMessage(message, transfer);
    return reply;
  }

  /** request() to every worker; `message(rank)` builds each one's message. */
  requestAll<T extends FromWorker['type']>(message: (rank: number) => { message: ToWorker; transfer?: ArrayBuffer[] }, expect: T): Promise<Reply<T>[]> {
    return Promise.all(
      this.threads.map((_, rank) => {
        const m = message(rank);
        return this.request(rank, m.message, expect, m.transfer);
      }),
    );
  }

  private expect<T extends FromWorker['type']>(rank: number, expect: T): Promise<Reply<T>> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pending.has(rank)) return Promise.reject(new Error(`worker ${rank} already has a request in flight`));
    return new Promise<Reply<T>>((resolve, reject) => {
      this.pending.set(rank, { expect, resolve: resolve as (m: FromWorker) => void, reject });
    });
  }

  private onMessage(rank: number, message: FromWorker): void {
    if (message.type === 'error') {
      this.fail(rank, `failed: ${message.message}`, message.stack);
      return;
    }
    const pending = this.pending.get(rank);
    if (!pending || pending.expect !== message.type) return;
    this.pending.delete(rank);
    pending.resolve(message);
  }

  /** The first failure: reject everything pending, end every thread. */
  private fail(rank: number, what: string, stack?: string): void {
    if (this.failure) return;
    this.failure = new DataParallelError(`Data-parallel worker ${rank} ${what}`);
    if (stack) this.failure.stack = `${this.failure.message}\n(in the worker) ${stack}`;
    for (const pending of this.pending.values()) pending.reject(this.failure);
    this.pending.clear();
    for (const worker of this.threads) void worker.terminate();
  }

  /** The failure that ended the group, if any. */
  get failed(): DataParallelError | undefined {
    return this.failure;
  }

  /** Ends every worker: asks them to dispose and exit, terminates those that do not in time. */
  async close(): Promise<void> {
    if (this.closing) return Promise.all(this.exited).then(() => undefined);
    this.closing = true;
    if (!this.failure) for (const worker of this.threads) worker.postMessage({ type: 'close' } satisfies ToWorker);
    const timer = setTimeout(() => this.threads.forEach((w) => void w.terminate()), this.failure ? 0 : CLOSE_GRACE_MS);
    try {
      await Promise.all(this.exited);
    } finally {
      clearTimeout(timer);
    }
  }
}
