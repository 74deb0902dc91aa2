/**
 * A GAN's training state as plain arrays — both networks' weights (trainable and batch
 * norm's moving statistics, in model.weights order) and both optimisers' steps and slots
 * — to copy a replica from one thread to another: the coordinator's canonical session to
 * every worker at the start (and after a restore), a worker back to the coordinator
 * before a checkpoint, a sample or a walk.
 *
 * Positions, not variable names, identify weights: tfjs makes names unique per thread
 * (a second model in a thread gets `…_1` names), while the order of model.weights is the
 * same wherever the same spec is built.
 */
import * as tf from '@tensorflow/tfjs';
import type { Gan } from '../gan';
import type { GanOptimizer } from '../optimizers';
import type { OptimizerArrays, ReplicaState } from './messages';

export interface Replica {
  gan: Gan;
  generatorOptimizer: GanOptimizer;
  discriminatorOptimizer: GanOptimizer;
}

/** Copies of the replica's state (each array with its own buffer, ready to transfer). */
export function captureReplica(replica: Replica, withOptimizers: boolean): ReplicaState {
  const weights = (model: tf.LayersModel) => model.weights.map((w) => (w.read().dataSync() as Float32Array).slice());
  const optimizer = (o: GanOptimizer): OptimizerArrays => {
    const state = o.getState();
    return { kind: state.kind, step: state.step, names: state.names, arrays: state.tensors.map((t) => (t.dataSync() as Float32Array).slice()) };
  };
  return {
    generator: weights(replica.gan.generator.model),
    discriminator: weights(replica.gan.discriminator.model),
    optimizers: withOptimizers ? { generator: optimizer(replica.generatorOptimizer), discriminator: optimizer(replica.discriminatorOptimizer) } : undefined,
  };
}

/** Makes the replica's state equal to `state` (bit for bit). */
export function loadReplica(replica: Replica, state: ReplicaState): void {
  setWeights(replica.gan.generator.model, state.generator, 'generator');
  setWeights(replica.gan.discriminator.model, state.discriminator, 'discriminator');
  if (!state.optimizers) return;
  for (const [role, optimizer] of [['generator', replica.generatorOptimizer], ['discriminator', replica.discriminatorOptimizer]] as const) {
    const saved = state.optimizers[role];
    const shapes = optimizer.getState().tensors.map((t) => t.shape);
    if (shapes.length !== saved.arrays.length) throw new Error(`The ${role} optimiser has ${shapes.length} slots here but ${saved.arrays.length} in the state sent.`);
    const tensors = saved.arrays.map((a, i) => tf.tensor(a, shapes[i], 'float32'));
    try {
      optimizer.setState({ kind: saved.kind, step: saved.step, names: saved.names, tensors });
    } finally {
      tf.dispose(tensors);
    }
  }
}

function setWeights(model: tf.LayersModel, arrays: Float32Array[], role: string): void {
  const weights = model.weights;
  if (weights.length !== arrays.length) throw new Error(`The ${role} has ${weights.length} weights here but ${arrays.length} in the state sent.`);
  const tensors = weights.map((w, i) => {
    const shape = w.read().shape;
    if (arrays[i].length !== w.read().size) throw new Error(`The ${role}'s weight ${w.originalName} has ${arrays[i].length} values in the state sent, not [${shape}].`);
    return tf.tensor(arrays[i], shape, 'float32');
  });
  try {
    model.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
}
