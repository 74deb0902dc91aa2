/**
 * A tfjs IOHandler that saves a LayersModel as two files — `<name>.json` (topology and
 * weights manifest, the layout of tfjs' model.json) and `<name>.weights.bin` — and loads
 * them back. tfjs' own `file://` handler lives in tfjs-node, which is optional here.
 * Saved models load with `tf.loadLayersModel(fileModelIO(dir, name))` once the custom
 * layers (model/customLayers.ts) are registered.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileDurable } from '../run/atomic';

export type WriteFile = (name: string, data: string | Uint8Array) => void;

export function modelFileNames(name: string): { json: string; weights: string } {
  return { json: `${name}.json`, weights: `${name}.weights.bin` };
}

export function fileModelIO(dir: string, name: string, write: WriteFile = (file, data) => writeFileDurable(join(dir, file), data)): tf.io.IOHandler {
  const files = modelFileNames(name);
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const modelJson = {
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        modelTopology: artifacts.modelTopology,
        trainingConfig: artifacts.trainingConfig,
        weightsManifest: [{ paths: [files.weights], weights: artifacts.weightSpecs ?? [] }],
      };
      write(files.weights, new Uint8Array(weightData));
      write(files.json, JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const modelJson = JSON.parse(readFileSync(join(dir, files.json), 'utf8')) as tf.io.ModelJSON;
      const bytes = readFileSync(join(dir, files.weights));
      const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      const weightSpecs = modelJson.weightsManifest.flatMap((group) => group.weights);
      return {
        modelTopology: modelJson.modelTopology,
        format: modelJson.format,
        generatedBy: modelJson.generatedBy,
        convertedBy: modelJson.convertedBy,
        trainingConfig: modelJson.trainingConfig,
        weightSpecs,
        weightData,
      };
    },
  };
}

/**
 * Loads saved weights into an existing model (built from the same spec), by position:
 * tfjs saves `model.weights` in order, and names can carry per-process suffixes.
 */
export async function loadWeightsInto(model: tf.LayersModel, io: tf.io.IOHandler): Promise<void> {
  const artifacts = await io.load!();
  const specs = artifacts.weightSpecs ?? [];
  const weights = model.weights;
  if (specs.length !== weights.length) {
    throw new Error(`The checkpoint has ${specs.length} weight tensors for the ${model.name}, the model has ${weights.length}: the spec's architecture changed.`);
  }
  const decoded = tf.io.decodeWeights(artifacts.weightData!, specs);
  try {
    specs.forEach((spec, i) => {
      const value = decoded[spec.name];
      const shape = weights[i].shape;
      if (value.shape.join() !== shape.join()) throw new Error(`Weight ${i} (${spec.name}) of the ${model.name} is [${value.shape}] in the checkpoint but [${shape}] in the model.`);
    });
    specs.forEach((spec, i) => weights[i].write(decoded[spec.name]));
  } finally {
    tf.dispose(Object.values(decoded));
  }
}
