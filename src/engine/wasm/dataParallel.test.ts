/**
 * Data-parallel training over worker threads (dataParallel.ts): the averaged
 * gradient of the shards equals the whole batch's gradient, and the workers'
 * weights stay bit-for-bit identical while training.
 */
import * as assert from 'assert';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { parameterCount, shardOf, startWorkers } from './dataParallel';
import { regressorLoss, tinyRegressor, useWasmBackend } from './testUtil';

interface Reply {
  rank: number;
  firstGrads: number[][];
  weights: number[][];
  error?: string;
}

function maxDiff(a: number[][], b: number[][]): number {
  let m = 0;
  a.forEach((row, i) => row.forEach((v, j) => (m = Math.max(m, Math.abs(v - b[i][j])))));
  return m;
}

describe('data-parallel training over worker threads', function () {
  this.timeout(60_000);
  useWasmBackend();

  it('shards batches evenly', () => {
    assert.deepStrictEqual([0, 1, 2].map((r) => shardOf(10, r, 3)), [
      { start: 0, size: 4 },
      { start: 4, size: 3 },
      { start: 7, size: 3 },
    ]);
  });

  it('2 workers: averaged gradient = whole-batch gradient; identical weights after 5 Adam steps', async () => {
    const steps = 5;
    const { model, x, y } = tinyRegressor();
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const script = path.join(__dirname, 'dataParallel.testWorker.js');
    const workers = startWorkers(script, 2, parameterCount(vars), () => ({ steps }));
    const replies = await Promise.all(
      workers.map(
        (w) =>
          new Promise<Reply>((resolve, reject) => {
            w.once('message', (m: Reply) => (m.error ? reject(new Error(m.error)) : resolve(m)));
            w.once('error', reject);
          }),
      ),
    );
    await Promise.all(workers.map((w) => w.terminate()));
    replies.sort((a, b) => a.rank - b.rank);

    // The same training, whole batch, in this thread.
    const opt: tf.Optimizer = tf.train.adam(0.01);
    let firstGrads: number[][] = [];
    for (let step = 0; step < steps; step++) {
      const { value, grads } = tf.variableGrads(() => regressorLoss(model, x, y), vars);
      if (step === 0) firstGrads = vars.map((v) => Array.from(grads[v.name].dataSync()));
      opt.applyGradients(grads);
      tf.dispose([value, grads]);
    }
    const weights = vars.map((v) => Array.from(v.dataSync()));

    assert.ok(maxDiff(replies[0].firstGrads, firstGrads) < 1e-5, 'averaged shard gradients differ from the batch gradient');
    assert.deepStrictEqual(replies[1].weights, replies[0].weights, 'workers drifted apart');
    assert.ok(maxDiff(replies[0].weights, weights) < 1e-4, 'data-parallel training differs from whole-batch training');
    model.dispose();
    tf.dispose([x, y]);
    opt.dispose();
  });
});
