/**
 * The trainer process: `node dist/trainer.js --job '<json>'` (the extension forks it with
 * Electron's Node, ELECTRON_RUN_AS_NODE=1; the CLI with plain Node). It runs one job —
 * train a run, or draw a sample or a latent walk from a run's checkpoint — reporting
 * TrainerEvents over the IPC channel and obeying TrainerCommands from it.
 *
 * Exit codes: 0 completed or stopped, 1 failed. A stop command, SIGINT/SIGTERM, or the
 * parent going away stops training cleanly: the current step ends, a checkpoint is written.
 *
 * The same script is the worker script of data-parallel training: started as a worker
 * thread by the coordinator (src/engine/parallel), it runs a replica instead. So the one
 * bundle, dist/trainer.js, holds everything a training run needs.
 */
import { isMainThread } from 'node:worker_threads';
import type { TrainerCommand } from '../protocol';
import { DataError } from '../engine/data';
import { isDataParallelWorker, runDataParallelWorker } from '../engine/parallel';
import { EventChannel } from './channel';
import { Controls } from './controls';
import { parseJobArguments, TrainerJob } from './job';
import { runSampleJob, runWalkJob } from './oneShot';
import { JobError } from './setup';
import { runTrainJob } from './trainRun';

async function main(): Promise<number> {
  const channel = new EventChannel();
  const controls = new Controls();
  let job: TrainerJob;
  try {
    job = parseJobArguments(process.argv);
  } catch (error) {
    channel.emit({ type: 'error', message: (error as Error).message });
    channel.emit({ type: 'finished', status: 'failed', step: 0, message: (error as Error).message });
    await channel.drain();
    return 1;
  }

  process.on('message', (command: TrainerCommand) => controls.handle(command));
  const stop = () => controls.handle({ type: 'stop' });
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // The host went away: finish cleanly rather than train for no one.
  process.on('disconnect', stop);

  try {
    const status = job.kind === 'train' ? await runTrainJob(job, channel, controls, { workerScript: __filename }) : job.kind === 'sample' ? await runSampleJob(job, channel) : await runWalkJob(job, channel);
    await channel.drain();
    return status === 'failed' ? 1 : 0;
  } catch (error) {
    // Problems the user can fix are reported as they are; anything else is a bug, with its stack.
    const known = error instanceof JobError || error instanceof DataError;
    const message = known ? (error as Error).message : `The trainer failed: ${(error as Error).message ?? String(error)}`;
    const detail = error instanceof JobError ? error.detail : known ? undefined : (error as Error).stack;
    channel.emit({ type: 'error', message, detail });
    channel.emit({ type: 'finished', status: 'failed', step: 0, message });
    if (!known) process.stderr.write(`${(error as Error).stack ?? error}\n`);
    await channel.drain();
    return 1;
  }
}

if (!isMainThread && isDataParallelWorker()) {
  runDataParallelWorker();
} else {
  startTrainer();
}

function startTrainer(): void {
  main().then(
    (code) => {
      // Exit explicitly: a backend may hold handles open, and the IPC channel keeps us alive.
      process.exitCode = code;
      if (process.connected) process.disconnect();
      setImmediate(() => process.exit(code));
    },
    (error) => {
      process.stderr.write(`${(error as Error).stack ?? error}\n`);
      process.exit(1);
    },
  );
}
