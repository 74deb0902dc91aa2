/**
 * Data-parallel training on several cores: worker threads, one tfjs instance each,
 * gradients averaged through shared memory. See coordinator.ts first.
 */
export { DataParallelTrainer, DataParallelError, defaultWorkerScript, isDataParallelError } from './coordinator';
export type { DataParallelOptions } from './coordinator';
export { chooseWorkers, AUTO_MAX_WORKERS } from './workerCount';
export type { WorkerCount, WorkerCountInput } from './workerCount';
export { isDataParallelWorker, runDataParallelWorker } from './worker';
export { hasDropout } from './drawStep';
