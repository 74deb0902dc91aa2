/**
 * Worker of dataParallel.test.ts: trains tinyRegressor on its shard of the
 * batch with gradients averaged over the workers, and reports the first
 * averaged gradients and the final weights.
 */
import { parentPort, workerData } from 'worker_threads';
import * as tf from '@tensorflow/tfjs';
import { joinWorkers, shardOf } from './dataParallel';
import { setupWasmBackend } from './setup';
import { regressorLoss, tinyRegressor } from './testUtil';

async function main(): Promise<void> {
  const { exchange, user } = joinWorkers<{ steps: number }>(workerData);
  await setupWasmBackend();
  const { model, x, y } = tinyRegressor();
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { start, size } = shardOf(x.shape[0], exchange.rank, exchange.workers);
  const xs = tf.slice(x, start, size);
  const ys = tf.slice(y, start, size);
  const opt: tf.Optimizer = tf.train.adam(0.01);
  let firstGrads: number[][] = [];
  for (let step = 0; step < user.steps; step++) {
    const { value, grads } = tf.variableGrads(() => regressorLoss(model, xs, ys), vars);
    const avg = exchange.allReduceGradients(grads);
    if (step === 0) firstGrads = vars.map((v) => Array.from(avg[v.name].dataSync()));
    opt.applyGradients(avg);
    tf.dispose([value, grads, avg]);
  }
  parentPort?.postMessage({
    rank: exchange.rank,
    firstGrads,
    weights: vars.map((v) => Array.from(v.dataSync())),
  });
}

main().catch((e) => parentPort?.postMessage({ error: String((e as Error).stack ?? e) }));
