/**
 * How many data-parallel workers train a run, and one line saying why (for the run log
 * and the `started` event's backend notes).
 *
 * Only the wasm and cpu backends gain: each runs one tfjs instance on one core, so W
 * workers on W cores each take 1/W of every batch. The native backends (tfjs-node,
 * tfjs-node-gpu) already spread one step over every core or the GPU. A batch is split
 * only into equal shards of at least 2 samples: equal, so that the mean of the shards'
 * mean losses and gradients is the whole batch's; at least 2, so that batch norm has a
 * variance to normalise by.
 *
 * `auto` also asks that the split pay. Every update costs the workers a fixed overhead
 * (messages, two barriers, copying the gradients in and out of shared memory, waiting
 * for the slower one), and tfjs's per-op costs do not shrink with the batch, so small
 * shards gain nothing. Measured on 2 cores (wasm, quiet machine; speed-up of 2 workers):
 *   examples/dcgan-mnist.gan.json  batch 256: 1.5 | 64: 1.45–1.6 | 16: 1.18 | 8: 0.82
 *   small DCGAN (speed notes)      batch  64: 1.44 | 32: 1.34 | 16: 0.90 | 8: 0.86 | 4: 0.61
 *   the tests' tiny DCGAN, batch 16: 0.89;   the 2-D ring, batch 64: 0.51
 * Hence: shards of at least 8 samples and 200 M multiply-adds (work.ts).
 */

/** `auto` never starts more workers than this: the all-reduce costs grow with the count, the gain shrinks. */
export const AUTO_MAX_WORKERS = 4;

/** `auto` splits a batch into shards of at least this many samples… */
export const AUTO_MIN_SHARD_SAMPLES = 8;

/** …whose forward pass is at least this many multiply-adds (the small DCGAN: ≈ 14 M a sample; dcgan-mnist ≈ 62 M). */
export const AUTO_MIN_SHARD_MACS = 200e6;

export interface WorkerCountInput {
  /** What was asked for: a whole number ≥ 1, or undefined (or 0) for auto. */
  requested?: number;
  /** tf.getBackend() of the trainer: 'wasm', 'cpu', 'tensorflow', … */
  backend: string;
  gpu: boolean;
  batchSize: number;
  /** Logical CPUs of the machine (os.availableParallelism()). */
  cpus: number;
  /** The networks hold batch norm layers (their statistics become per shard). */
  batchNorm: boolean;
  /** Multiply-adds of one sample's forward pass (work.ts); absent: not considered. */
  macsPerSample?: number;
}

export interface WorkerCount {
  workers: number;
  note: string;
}

export function chooseWorkers(input: WorkerCountInput): WorkerCount {
  const { batchSize: batch, backend } = input;
  const requested = input.requested && input.requested > 0 ? Math.floor(input.requested) : undefined;
  if (backend !== 'wasm' && backend !== 'cpu') {
    const what = input.gpu ? 'the GPU' : 'every core';
    const ignored = requested && requested > 1 ? ` (--workers ${requested} applies to the wasm and cpu backends only)` : '';
    return { workers: 1, note: `1 worker: the ${backend} backend already uses ${what}${ignored}` };
  }
  if (requested === 1) return { workers: 1, note: '1 worker (as asked)' };
  const limit = requested ?? Math.min(input.cpus, AUTO_MAX_WORKERS);
  if (limit < 2) return { workers: 1, note: `1 worker: this machine has ${input.cpus} CPU core${input.cpus === 1 ? '' : 's'}` };

  // Asked-for counts only need shards that batch norm can use; auto needs shards that pay.
  const macs = input.macsPerSample;
  const pays = (shard: number) => requested !== undefined || (shard >= AUTO_MIN_SHARD_SAMPLES && (macs === undefined || macs * shard >= AUTO_MIN_SHARD_MACS));
  let workers = 1;
  for (let w = limit; w >= 2; w--) {
    if (batch % w === 0 && batch / w >= 2 && pays(batch / w)) {
      workers = w;
      break;
    }
  }
  if (workers === 1) {
    const splits = Array.from({ length: limit - 1 }, (_, i) => i + 2).filter((w) => batch % w === 0 && batch / w >= 2);
    if (splits.length === 0) {
      const why = batch < 4 ? `batch ${batch} cannot be split` : `batch ${batch} does not split into ${limit === 2 ? '2' : `2 … ${limit}`} equal shards of 2 or more samples`;
      return { workers: 1, note: `1 worker: ${why}` };
    }
    const shard = batch / splits[0];
    const work = macs !== undefined ? `, ${formatCount(macs * shard)} multiply-adds` : '';
    return {
      workers: 1,
      note: `1 worker: too little work per step to gain from splitting the batch (shards of ${shard} samples${work}; auto splits from ${AUTO_MIN_SHARD_SAMPLES} samples and ${formatCount(AUTO_MIN_SHARD_MACS)} multiply-adds a shard; --workers ${splits[0]} forces it)`,
    };
  }
  const shard = batch / workers;
  const fewer = requested && workers < requested ? `; ${requested} asked for, but batch ${batch} does not split into ${requested} equal shards of 2 or more` : '';
  const bn = input.batchNorm ? `; batch norm statistics per shard of ${shard}, like PyTorch DDP without SyncBatchNorm` : '';
  return {
    workers,
    note: `${workers} workers (data-parallel: each trains on ${shard} of the ${batch} samples of every batch, gradients averaged${bn}${fewer})`,
  };
}

function formatCount(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(1)} G` : n >= 1e6 ? `${(n / 1e6).toFixed(0)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(0)} k` : `${Math.round(n)}`;
}
