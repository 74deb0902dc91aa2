/**
 * The worker script of data-parallel training when GAN Studio runs from tsc's output
 * (tests, benchmarks). The bundled trainer (dist/trainer.js) is its own worker script
 * instead: src/trainer/main.ts dispatches on isDataParallelWorker().
 */
import { runDataParallelWorker } from './worker';

runDataParallelWorker();
