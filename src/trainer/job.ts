/**
 * What a trainer process is asked to do, passed as JSON on its command line. Plain data,
 * no tfjs: the extension host and the CLI build these.
 */

/** Options shared by every job: which backend, and where to find optional native ones. */
export interface BackendJobOptions {
  /** `auto` (default), `tfjs-node-gpu`, `tfjs-node`, `wasm` or `cpu` (aliases: gpu, node). */
  backend?: string;
  /** Extra folders to look for @tensorflow/tfjs-node(-gpu) in (a global npm prefix, the extension's storage). */
  tfjsPaths?: string[];
}

export interface TrainJob extends BackendJobOptions {
  kind: 'train';
  /** The .gan.json to train (ignored when resuming: the run's frozen spec is used). */
  specFile?: string;
  /** Folder of run folders; a new run is created in it. */
  runsDir?: string;
  /** A run folder to continue from its latest checkpoint. */
  resume?: string;
  /** Train until this many steps in total (default: the spec's steps or epochs). */
  steps?: number;
  /** Keep this many newest checkpoints (default 5). */
  keepCheckpoints?: number;
  /**
   * Data-parallel worker threads on the wasm and cpu backends: each trains on an equal
   * share of every batch, on its own core. Absent or 0: auto (one per core, up to 4, when
   * the batch splits into equal shards big enough to gain; 1 on native backends — see
   * src/engine/parallel/workerCount.ts). N: N workers, or fewer when the batch does not
   * split into N equal shards of 2 or more. 1: train in the trainer's own thread, exactly
   * as without workers.
   */
  workers?: number;
  /** Override the spec's training.sampleEvery (the editor's ganStudio.sampleEvery). */
  sampleEvery?: number;
  /** Override the spec's training.checkpointEvery (the editor's ganStudio.checkpointEvery). */
  checkpointEvery?: number;
}

export interface SampleJob extends BackendJobOptions {
  kind: 'sample';
  runDir: string;
  /** How many samples (default 64; pix2pix: the fixed pairs). */
  count?: number;
  /** Seed of fresh latents; without it the run's fixed batch is drawn. */
  seed?: number;
  /** PNG to write. */
  out: string;
}

export interface WalkJob extends BackendJobOptions {
  kind: 'walk';
  runDir: string;
  /** Indices into the fixed latent batch (default 0 and 1). */
  from?: number;
  to?: number;
  frames: number;
  out: string;
}

export type TrainerJob = TrainJob | SampleJob | WalkJob;

export const JOB_ARGUMENT = '--job';

export function jobArguments(job: TrainerJob): string[] {
  return [JOB_ARGUMENT, JSON.stringify(job)];
}

export function parseJobArguments(argv: string[]): TrainerJob {
  const at = argv.indexOf(JOB_ARGUMENT);
  if (at < 0 || at + 1 >= argv.length) throw new Error(`The trainer needs ${JOB_ARGUMENT} '<json>' (see src/trainer/job.ts).`);
  const job = JSON.parse(argv[at + 1]) as TrainerJob;
  if (!job || !['train', 'sample', 'walk'].includes(job.kind)) throw new Error(`Unknown trainer job ${JSON.stringify(job)}`);
  return job;
}
