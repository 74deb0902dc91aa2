/**
 * The `train` job: trains one run — new, or resumed from its latest checkpoint — writing
 * the run folder as it goes and reporting every step of the way as TrainerEvents.
 *
 * The run folder is created only once the spec, the backend, the data and the models are
 * all good, so a failed start leaves no empty run behind.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { MetricPoint, RunInfo, RunStatus, SampleRecord, TrainerEvent } from '../protocol';
import { appendLog, appendMetrics, appendSampleRecord, createRun, findLatestCheckpoint, pruneCheckpoints, readRunInfo, runPath, truncateAfterStep, writeRunInfo } from '../run';
import { RUN_FILES } from '../run/layout';
import { restoreCheckpoint, saveCheckpoint } from '../engine/checkpoint';
import { DataError, openDataSource } from '../engine/data';
import { chooseWorkers, DataParallelError, DataParallelTrainer } from '../engine/parallel';
import { faultFromEnv } from '../engine/parallel/messages';
import { forwardMacsPerSample } from '../engine/parallel/work';
import { writeSample } from '../engine/samples';
import { NonFiniteLossError, TrainingSession } from '../engine/training';
import { latentWalkPng, WalkError } from '../engine/walk';
import type { EventChannel } from './channel';
import type { Controls, WalkRequest } from './controls';
import type { TrainJob } from './job';
import { checkedSpec, JobError, startBackend } from './setup';

const DEFAULT_KEEP_CHECKPOINTS = 5;
/** run.json's step is refreshed at most this often (it is also written at every event that matters). */
const RUN_INFO_INTERVAL_MS = 2000;

export interface TrainRunOptions {
  /**
   * The script data-parallel worker threads run: the trainer's own entry (main.ts, or the
   * dist/trainer.js bundle), which turns into a worker when started as one.
   */
  workerScript?: string;
}

export async function runTrainJob(job: TrainJob, channel: EventChannel, controls: Controls, options: TrainRunOptions = {}): Promise<'completed' | 'stopped' | 'failed'> {
  // Lines said before the run folder exists go into its log once it does.
  const earlyLog: string[] = [];
  let runDir: string | undefined;
  const log = (line: string) => {
    channel.emit({ type: 'log', line });
    if (runDir) appendLog(runDir, line);
    else earlyLog.push(`${new Date().toISOString()} ${line}`);
  };
  const warn = (message: string) => {
    channel.emit({ type: 'warning', message });
    log(`warning: ${message}`);
  };

  // 1. The spec: the user's file for a new run, the frozen copy for a resumed one.
  let specFile: string;
  let specText: string;
  let previous: RunInfo | undefined;
  if (job.resume) {
    runDir = resolve(job.resume);
    previous = readRunInfo(runDir);
    if (!previous) throw new JobError(`${job.resume} is not a run folder (it has no ${RUN_FILES.info}).`);
    specFile = previous.specFile;
    specText = readFileSync(runPath(runDir, 'spec'), 'utf8');
    runDir = undefined; // set again once everything is ready
  } else {
    if (!job.specFile) throw new JobError('Give a .gan.json file to train.');
    specFile = resolve(job.specFile);
    try {
      specText = readFileSync(specFile, 'utf8');
    } catch (error) {
      throw new JobError(`Cannot read ${specFile}: ${(error as Error).message}`);
    }
  }
  const analysis = checkedSpec(specText, job.resume ? join(job.resume, RUN_FILES.spec) : specFile);
  const spec = analysis.spec!;
  const seed = spec.training.seed ?? 0;

  // 2. Backend.
  channel.emit({ type: 'progress', stage: 'building-models', message: 'Starting the TensorFlow.js backend' });
  const backend = await startBackend(job, analysis);
  for (const note of backend.notes) log(`backend: ${note}`);
  log(`backend: using ${backend.name}${backend.gpu ? ' (GPU)' : ''}`);

  // 3. Data: relative paths resolve against the spec file's folder (also for resumed runs).
  channel.emit({ type: 'progress', stage: 'loading-data', message: 'Opening the data set' });
  const data = await openDataSource(spec.data, { specDir: dirname(specFile), seed, warn });
  log(`data: ${data.describe()}`);

  // 4. Models, optimisers, the fixed sample batch.
  channel.emit({ type: 'progress', stage: 'building-models', message: 'Building the generator and the discriminator' });
  let session: TrainingSession;
  try {
    session = await TrainingSession.create(analysis, data, { seed });
  } catch (error) {
    await data.close();
    throw error;
  }

  let parallel: DataParallelTrainer | undefined;
  try {
    // 5. The run folder: new, or the resumed one rolled back to its latest checkpoint.
    let info: RunInfo;
    let lastCheckpoint = -1;
    if (job.resume && previous) {
      runDir = previous.dir;
      const checkpoint = findLatestCheckpoint(runDir);
      if (!checkpoint) throw new JobError(`${runDir} has no complete checkpoint to resume from.`);
      channel.emit({ type: 'progress', stage: 'restoring-checkpoint', message: `Restoring step ${checkpoint.step}` });
      await restoreCheckpoint(session, checkpoint.dir);
      truncateAfterStep(runDir, checkpoint.step);
      lastCheckpoint = checkpoint.step;
      info = { ...previous, status: 'starting', step: checkpoint.step, checkpointStep: checkpoint.step, totalSteps: job.steps ?? previous.totalSteps, message: undefined };
      for (const line of earlyLog) appendLog(runDir, line.slice(line.indexOf(' ') + 1));
      log(`resumed from the checkpoint of step ${checkpoint.step}`);
    } else {
      info = createRun({ runsDir: job.runsDir ?? join(process.cwd(), '.gan-runs'), specText, specFile, name: spec.name ?? basename(specFile).replace(/\.gan\.json$|\.json$/, ''), seed, totalSteps: job.steps ?? session.specSteps });
      runDir = info.dir;
      writeFileSync(runPath(runDir, 'log'), earlyLog.map((l) => l + '\n').join(''));
    }
    const dir = runDir;
    info.backend = backend.name;

    // 6. Workers: data-parallel on several cores, or this thread alone (parallel/workerCount.ts says why).
    const layers = [...spec.generator.layers, ...spec.discriminator.layers];
    let workers = chooseWorkers({
      requested: job.workers,
      backend: backend.name,
      gpu: backend.gpu,
      batchSize: session.batchSize,
      cpus: availableParallelism(),
      batchNorm: layers.some((l) => l.type === 'batchNorm'),
      macsPerSample: forwardMacsPerSample(analysis),
    });
    if (workers.workers > 1) {
      channel.emit({ type: 'progress', stage: 'building-models', message: `Starting ${workers.workers} data-parallel workers` });
      try {
        parallel = await DataParallelTrainer.start(session, { workers: workers.workers, backend: backend.name, script: options.workerScript, fault: faultFromEnv(process.env) });
      } catch (error) {
        warn(`the data-parallel workers did not start (${(error as Error).message}); training on 1 worker`);
        workers = { workers: 1, note: '1 worker: the data-parallel workers did not start' };
      }
    }
    log(`workers: ${workers.note}`);
    const setStatus = (status: RunStatus, message?: string) => {
      info = { ...info, status, step: session.step, message };
      writeRunInfo(info);
      channel.emit({ type: 'state', status, step: session.step });
    };

    let lastRunInfoWrite = 0;
    channel.onMetricsFlush = (points: MetricPoint[]) => {
      appendMetrics(dir, points);
      if (Date.now() - lastRunInfoWrite > RUN_INFO_INTERVAL_MS) {
        lastRunInfoWrite = Date.now();
        info = { ...info, step: session.step };
        writeRunInfo(info);
      }
    };
    const onPause = () => {
      log(`paused at step ${session.step}`);
      setStatus('paused');
    };
    const onResume = () => {
      log(`resumed at step ${session.step}`);
      setStatus('running');
    };

    const sample = async () => {
      await parallel?.sync();
      const record: SampleRecord = await writeSample(session.gan, session.fixed, session.step, dir);
      appendSampleRecord(dir, record);
      channel.emit({ type: 'samples', sample: record });
      lastSample = session.step;
    };
    const checkpoint = async () => {
      await parallel?.sync();
      const ref = await saveCheckpoint(session, dir);
      lastCheckpoint = session.step;
      const pruned = pruneCheckpoints(dir, job.keepCheckpoints ?? DEFAULT_KEEP_CHECKPOINTS);
      info = { ...info, step: session.step, checkpointStep: session.step };
      writeRunInfo(info);
      channel.emit({ type: 'checkpoint', step: session.step, dir: ref.dir });
      log(`checkpoint: step ${session.step}${pruned.length ? ` (removed the older ${pruned.map((s) => `step ${s}`).join(', ')})` : ''}`);
    };
    const walk = async (request: WalkRequest) => {
      try {
        await parallel?.sync();
        const png = await latentWalkPng(session.gan, session.fixed, request.from, request.to, request.frames);
        mkdirSync(join(dir, RUN_FILES.walks), { recursive: true });
        const file = join(dir, RUN_FILES.walks, `walk-${request.requestId.replace(/[^A-Za-z0-9_-]/g, '_')}.png`);
        writeFileSync(file, png);
        channel.emit({ type: 'walk', requestId: request.requestId, file, frames: request.frames });
      } catch (error) {
        if (!(error instanceof WalkError)) throw error;
        channel.emit({ type: 'warning', message: `Latent walk ${request.requestId}: ${error.message}` });
      }
    };
    const serveRequests = async () => {
      if (controls.takeSampleRequest()) await sample();
      while (controls.walks.length > 0) await walk(controls.walks.shift()!);
    };
    let lastSample = -1;

    const totalSteps = info.totalSteps;
    const startedEvent: TrainerEvent = {
      type: 'started',
      run: info,
      backend: { ...backend, notes: [...backend.notes, workers.note] },
      generator: session.gan.summary('generator'),
      discriminator: session.gan.summary('discriminator'),
      totalSteps,
      stepsPerEpoch: session.stepsPerEpoch,
    };
    channel.emit(startedEvent);
    log(`training ${spec.name ?? basename(specFile)}: steps ${session.step} → ${totalSteps}, ${session.stepsPerEpoch} steps per epoch, batch ${session.batchSize}, seed ${seed}`);
    setStatus('running');
    channel.emit({ type: 'progress', stage: 'training', message: 'Training' });

    // 7. The loop.
    const sampleEvery = job.sampleEvery ?? spec.training.sampleEvery ?? 200;
    const checkpointEvery = job.checkpointEvery ?? spec.training.checkpointEvery ?? 1000;
    if (session.step === 0) await sample(); // what G makes before any training
    while (session.step < totalSteps) {
      await controls.waitWhilePaused(serveRequests, onPause, onResume);
      if (controls.stopRequested) break;
      let point: MetricPoint;
      try {
        point = parallel ? await parallel.trainStep() : await session.trainStep();
      } catch (error) {
        if (!(error instanceof NonFiniteLossError) && !(error instanceof DataParallelError)) throw error;
        // Neither leaves anything worth saving: the checkpoints written so far stay as they are.
        const kept = lastCheckpoint >= 0 ? `The last good checkpoint (step ${lastCheckpoint}) is kept.` : 'No checkpoint was written yet.';
        const message = `${error.message.replace(/([^.])$/, '$1.')} ${kept}`;
        if (error instanceof DataParallelError && error.stack) appendLog(dir, error.stack);
        log(`error: ${message}`);
        channel.emit({ type: 'error', message });
        setStatus('failed', message);
        channel.emit({ type: 'finished', status: 'failed', step: session.step, message });
        return 'failed';
      }
      channel.metric(point);
      if (session.step % sampleEvery === 0) await sample();
      if (session.step % checkpointEvery === 0) await checkpoint();
      await serveRequests();
      // Let IPC commands (pause, stop, …) in between steps.
      await new Promise((r) => setImmediate(r));
    }

    const stopped = session.step < totalSteps;
    if (lastSample !== session.step) await sample();
    if (lastCheckpoint !== session.step) await checkpoint();
    channel.flushMetrics();
    const status = stopped ? 'stopped' : 'completed';
    const message = stopped ? `Stopped at step ${session.step} of ${totalSteps}; resume to continue.` : `Trained ${totalSteps} steps.`;
    log(message);
    setStatus(status, message);
    channel.emit({ type: 'finished', status, step: session.step, message });
    return status;
  } catch (error) {
    // The run folder (if any) records the failure; the caller reports the error.
    channel.flushMetrics();
    if (runDir) {
      const info = readRunInfo(runDir);
      if (info) writeRunInfo({ ...info, status: 'failed', step: session.step, message: (error as Error).message });
      appendLog(runDir, `error: ${(error as Error).stack ?? error}`);
    }
    throw error instanceof DataError ? new JobError(error.message) : error;
  } finally {
    // Workers end before the session: they never outlive a run, whatever ended it.
    await parallel?.close();
    session.dispose();
    await data.close();
  }
}
