/**
 * The training loop's state and one training step.
 *
 * One step = `discriminatorSteps` updates of D (each on a fresh real batch and a fresh
 * generated batch) + one update of G. Every random draw — latents, GP mixing weights,
 * dropout masks — comes from the session's seeded stream, and data order from the data
 * source's (seed, epoch) shuffle, so the whole state fits in a checkpoint: a resumed
 * session computes the same losses as an uninterrupted one.
 *
 * Memory: each update runs inside tf.variableGrads (a tidy scope); the few scalars the
 * metrics need are kept explicitly and disposed once read. A test asserts that
 * tf.memory().numTensors does not grow from step to step.
 */
import * as tf from '@tensorflow/tfjs';
import type { Analysis } from '../spec/analyze';
import type { MetricPoint } from '../protocol';
import type { Batch, DataSource } from './data';
import { DataError } from './data';
import { drawLatents, FixedBatch, makeFixedBatch } from './fixedBatch';
import { Gan } from './gan';
import { setDropoutSeedSource } from './model/customLayers';
import { GanOptimizer } from './optimizers';
import { Random, RandomState } from './random';
import { discriminatorGradients, disposeInputs, generatorGradients, readScalars, UpdateInputs } from './updates';
import { registerSecondOrderGradients } from './wasm/secondOrderGradients';

export class NonFiniteLossError extends Error {
  constructor(
    readonly step: number,
    readonly values: Record<string, number>,
  ) {
    const bad = Object.entries(values)
      .filter(([, v]) => !Number.isFinite(v))
      .map(([k, v]) => `${k} = ${v}`)
      .join(', ');
    super(`Training diverged at step ${step}: ${bad}. Try a lower learning rate, or check the data's scaling.`);
  }
}

/** The part of a session's state that is plain JSON (tensors are saved separately). */
export interface SessionState {
  /** Generator updates done. */
  step: number;
  /** The epoch of the next batch, and how many of its batches were already used. */
  epoch: number;
  batchInEpoch: number;
  random: RandomState;
  /** Training time so far, across resumes. */
  elapsedMs: number;
}

export interface SessionOptions {
  seed: number;
  /** Class names of the data (image folders), for sample rows. */
  classNames?: string[];
}

/** How many recent steps the speed estimate averages over. */
const SPEED_WINDOW = 20;

export class TrainingSession {
  step = 0;
  private epoch = 0;
  private batchInEpoch = 0;
  private elapsedMs = 0;
  private batches?: AsyncIterator<Batch>;
  private readonly recent: number[] = [];
  readonly random: Random;
  readonly generatorOptimizer: GanOptimizer;
  readonly discriminatorOptimizer: GanOptimizer;
  readonly batchSize: number;
  readonly discriminatorSteps: number;
  /** Real batches in one epoch. */
  readonly batchesPerEpoch: number;
  /** Training steps in one epoch (each step uses `discriminatorSteps` batches). */
  readonly stepsPerEpoch: number;

  private constructor(
    readonly gan: Gan,
    readonly data: DataSource,
    public fixed: FixedBatch,
    readonly seed: number,
  ) {
    const training = gan.spec.training;
    this.batchSize = training.batchSize;
    this.discriminatorSteps = training.discriminatorSteps ?? 1;
    this.batchesPerEpoch = data.batchesPerEpoch(this.batchSize);
    if (this.batchesPerEpoch < 1) throw new DataError(`The data set has ${data.size} example${data.size === 1 ? '' : 's'}, fewer than one batch of ${this.batchSize}. Lower training.batchSize or add data.`);
    this.stepsPerEpoch = Math.max(1, Math.floor(this.batchesPerEpoch / this.discriminatorSteps));
    this.random = new Random(seed, 'training-noise');
    this.generatorOptimizer = new GanOptimizer(training.generatorOptimizer, gan.trainableVariables('generator'));
    this.discriminatorOptimizer = new GanOptimizer(training.discriminatorOptimizer, gan.trainableVariables('discriminator'));
    registerSecondOrderGradients();
  }

  /** Builds the networks (seeded) and the fixed sample batch; the analysis must have no errors. */
  static async create(analysis: Analysis, data: DataSource, options: SessionOptions): Promise<TrainingSession> {
    const gan = Gan.build(analysis, options.seed);
    try {
      const fixed = await makeFixedBatch(gan, data, options.seed, analysis.spec!.training.sampleCount ?? 64, options.classNames ?? data.classNames);
      return new TrainingSession(gan, data, fixed, options.seed);
    } catch (error) {
      gan.dispose();
      throw error;
    }
  }

  /** The number of steps the spec asks for: `steps`, or `epochs` × steps per epoch. */
  get specSteps(): number {
    const training = this.gan.spec.training;
    return training.steps ?? (training.epochs ?? 1) * this.stepsPerEpoch;
  }

  get state(): SessionState {
    return { step: this.step, epoch: this.epoch, batchInEpoch: this.batchInEpoch, random: this.random.getState(), elapsedMs: this.elapsedMs };
  }

  async restore(state: SessionState): Promise<void> {
    this.step = state.step;
    this.epoch = state.epoch;
    this.batchInEpoch = state.batchInEpoch;
    this.elapsedMs = state.elapsedMs;
    this.random.setState(state.random);
    await this.batches?.return?.();
    this.batches = undefined;
    this.recent.length = 0;
  }

  /** The next real batch; advances the data position (the data-parallel coordinator draws through it too). */
  async nextBatch(): Promise<Batch> {
    for (let attempt = 0; attempt < 2; attempt++) {
      if (!this.batches) this.batches = this.data.epoch(this.epoch, this.batchSize, { startBatch: this.batchInEpoch })[Symbol.asyncIterator]();
      const next = await this.batches.next();
      if (!next.done) {
        this.batchInEpoch++;
        return next.value;
      }
      this.epoch++;
      this.batchInEpoch = 0;
      this.batches = undefined;
    }
    throw new DataError('The data source yielded no batch for a whole epoch.');
  }

  /** The tensors of one real batch (disposed by the caller). */
  private batchTensors(batch: Batch): { real: tf.Tensor; label?: tf.Tensor; source?: tf.Tensor } {
    const n = batch.count;
    return {
      real: tf.tensor(batch.images, [n, ...this.gan.dataShape]),
      label: this.gan.classes && batch.labels ? tf.tensor2d(batch.labels, [n, 1], 'int32') : undefined,
      source: this.gan.paired && batch.sources ? tf.tensor(batch.sources, [n, ...this.gan.sourceShape!]) : undefined,
    };
  }

  private latents(count: number): tf.Tensor | undefined {
    const size = this.gan.latentSize;
    if (!size) return undefined;
    return tf.tensor2d(drawLatents(this.random, count, size, this.gan.spec.latent?.distribution), [count, size]);
  }

  /** One D update; returns the scalars the metrics need (kept: the caller disposes them). */
  private discriminatorUpdate(batch: Batch): Record<string, tf.Scalar> {
    const inputs: UpdateInputs = this.batchTensors(batch);
    inputs.latent = this.latents(batch.count);
    const { grads, scalars } = discriminatorGradients(this.gan, inputs, (count) => tf.tensor1d(this.random.fillUniform(new Float32Array(count))));
    this.discriminatorOptimizer.apply(grads);
    disposeInputs(inputs);
    tf.dispose(Object.values(grads));
    return scalars;
  }

  /** One G update against the current D, with the conditioning of the last real batch. */
  private generatorUpdate(batch: Batch): Record<string, tf.Scalar> {
    const inputs: UpdateInputs = this.batchTensors(batch);
    inputs.latent = this.latents(batch.count);
    const { grads, scalars } = generatorGradients(this.gan, inputs);
    this.generatorOptimizer.apply(grads);
    disposeInputs(inputs);
    tf.dispose(Object.values(grads));
    return scalars;
  }

  /** One training step; throws NonFiniteLossError when a loss is NaN or infinite. */
  async trainStep(): Promise<MetricPoint> {
    const started = performance.now();
    // Dropout masks come from this run's stream (and so are restored with it).
    setDropoutSeedSource(() => this.random.nextUint32());
    const scalars: Record<string, tf.Scalar> = {};
    try {
      let batch: Batch | undefined;
      for (let k = 0; k < this.discriminatorSteps; k++) {
        batch = await this.nextBatch();
        const d = this.discriminatorUpdate(batch);
        // Only the last D update's numbers are reported.
        tf.dispose(Object.values(scalars));
        for (const key of Object.keys(scalars)) delete scalars[key];
        Object.assign(scalars, d);
      }
      Object.assign(scalars, this.generatorUpdate(batch!));
      const names = Object.keys(scalars);
      const values = await readScalars(names.map((n) => scalars[n]));
      const read: Record<string, number> = {};
      names.forEach((n, i) => (read[n] = values[i]));
      return this.completeStep(read, performance.now() - started);
    } finally {
      tf.dispose(Object.values(scalars));
      setDropoutSeedSource(undefined);
    }
  }

  /**
   * Counts a finished step (here or on data-parallel workers) and turns its numbers into
   * a metric point; throws NonFiniteLossError when a loss is NaN or infinite.
   */
  completeStep(read: Record<string, number>, ms: number): MetricPoint {
    this.step++;
    this.elapsedMs += ms;
    this.recent.push(ms);
    if (this.recent.length > SPEED_WINDOW) this.recent.shift();
    if (!Number.isFinite(read.dLoss) || !Number.isFinite(read.gLoss)) throw new NonFiniteLossError(this.step, { dLoss: read.dLoss, gLoss: read.gLoss });
    return this.metricPoint(read);
  }

  private metricPoint(read: Record<string, number>): MetricPoint {
    const meanMs = this.recent.reduce((a, b) => a + b, 0) / this.recent.length;
    const stepsPerSecond = 1000 / meanMs;
    const parts: Record<string, number> = {};
    for (const [name, value] of Object.entries(read)) {
      if (!['dLoss', 'gLoss', 'dOfReal', 'dOfFake'].includes(name)) parts[name] = value;
    }
    return {
      step: this.step,
      epoch: this.epoch + this.batchInEpoch / this.batchesPerEpoch,
      time: Math.round(this.elapsedMs),
      dLoss: read.dLoss,
      gLoss: read.gLoss,
      parts,
      dOfReal: read.dOfReal,
      dOfFake: read.dOfFake,
      stepsPerSecond,
      imagesPerSecond: stepsPerSecond * this.batchSize * this.discriminatorSteps,
    };
  }

  dispose(): void {
    void this.batches?.return?.();
    this.generatorOptimizer.dispose();
    this.discriminatorOptimizer.dispose();
    this.gan.dispose();
  }
}
