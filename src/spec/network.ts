/**
 * One network (generator or discriminator) as a graph of layers: resolves each layer's
 * inputs (previous layer, ids, network inputs), orders the layers, then runs shape
 * inference along the edges. Layers that the schema already found broken get no shape,
 * and neither does anything downstream of them, so one mistake gives one message.
 */
import { closest } from './validate';
import { formatShape, inferLayer, layerSummary, MERGE_LAYERS, TensorInfo } from './layers';
import { JsonPath, ProblemCode, Severity } from './problems';
import { LayerSpec, NetworkInputName, Shape } from './types';

export type NetworkRole = 'generator' | 'discriminator';

/** A problem found here, located by JSON path; `analyze.ts` turns it into a text range. */
export interface Finding {
  code: ProblemCode;
  severity: Severity;
  message: string;
  path: JsonPath;
  target?: 'key' | 'value';
}

export interface NetworkContext {
  role: NetworkRole;
  /** The inputs this GAN offers this network; `undefined` shape when it cannot be known. */
  inputs: Map<NetworkInputName, TensorInfo | undefined>;
  /** Why an input name is not offered, for messages. */
  unavailable: Map<NetworkInputName, string>;
  /** What the first layer reads when it names no inputs. */
  mainInput?: NetworkInputName;
  /** The network's JSON value (possibly malformed) and its path. */
  value: unknown;
  path: JsonPath;
  /** True when the schema found a problem at or inside this path. */
  isInvalid: (path: JsonPath) => boolean;
}

export interface LayerInfo {
  /** The layer's `id`, or `#index` when it has none. */
  key: string;
  id?: string;
  index: number;
  type: string;
  /** e.g. `conv2d 4×4 /2 64`. */
  summary: string;
  /** Keys of the layers or names of the network inputs feeding this layer. */
  inputs: string[];
  outputShape?: Shape;
  trainableParams: number;
  nonTrainableParams: number;
  path: JsonPath;
  hasError: boolean;
}

export interface NetworkInputInfo {
  name: NetworkInputName;
  shape?: Shape;
}

export interface NetworkInfo {
  role: NetworkRole;
  inputs: NetworkInputInfo[];
  layers: LayerInfo[];
  /** Key of the output layer. */
  outputKey?: string;
  outputShape?: Shape;
  trainableParams: number;
  nonTrainableParams: number;
  /** True when every layer's shape is known (totals are then exact). */
  complete: boolean;
}

export const NETWORK_INPUT_NAMES: readonly NetworkInputName[] = ['latent', 'label', 'source', 'image'];

interface Node {
  key: string;
  index: number;
  layer: Record<string, unknown>;
  path: JsonPath;
  inputs: string[];
  /** Set when the inputs could not all be resolved. */
  brokenInputs: boolean;
}

export function analyzeNetwork(context: NetworkContext): { info: NetworkInfo; findings: Finding[] } {
  const findings: Finding[] = [];
  const { role, path } = context;
  const layersValue = isObject(context.value) ? context.value.layers : undefined;
  const layerValues = Array.isArray(layersValue) ? layersValue : [];
  const layersPath = [...path, 'layers'];

  // 1. Keys: explicit ids must be unique and must not shadow the network inputs.
  const nodes: Node[] = [];
  const byKey = new Map<string, Node>();
  layerValues.forEach((value, index) => {
    const layer = isObject(value) ? value : {};
    const layerPath = [...layersPath, index];
    let key = `#${index}`;
    if (typeof layer.id === 'string' && !context.isInvalid([...layerPath, 'id'])) {
      if ((NETWORK_INPUT_NAMES as readonly string[]).includes(layer.id)) {
        findings.push({ code: 'reserved-id', severity: 'error', message: `"${layer.id}" is the name of a network input; give this layer another id.`, path: [...layerPath, 'id'] });
      } else if (byKey.has(layer.id)) {
        const first = byKey.get(layer.id)!;
        findings.push({ code: 'duplicate-id', severity: 'error', message: `Layer ${first.index} of the ${role} already has the id "${layer.id}"; ids must be unique within a network.`, path: [...layerPath, 'id'] });
      } else {
        key = layer.id;
      }
    }
    const node: Node = { key, index, layer, path: layerPath, inputs: [], brokenInputs: false };
    nodes.push(node);
    if (!byKey.has(key)) byKey.set(key, node);
  });

  // 2. Inputs: explicit `inputs`, `with` (previous + these), or the previous layer.
  const ids = nodes.filter((n) => !n.key.startsWith('#')).map((n) => n.key);
  nodes.forEach((node, index) => {
    const { layer } = node;
    const previous = index === 0 ? context.mainInput : nodes[index - 1].key;
    const hasInputs = Array.isArray(layer.inputs);
    const hasWith = Array.isArray(layer.with);
    let names: { name: string; path: JsonPath }[];
    if (hasInputs && hasWith) {
      findings.push({ code: 'inputs-conflict', severity: 'error', message: 'Give either "inputs" (the full list) or "with" (the previous layer plus these), not both.', path: [...node.path, 'with'], target: 'key' });
    }
    if (hasInputs) {
      names = (layer.inputs as unknown[]).map((name, i) => ({ name: String(name), path: [...node.path, 'inputs', i] }));
    } else {
      const withNames = hasWith ? (layer.with as unknown[]).map((name, i) => ({ name: String(name), path: [...node.path, 'with', i] })) : [];
      if (previous === undefined) {
        node.brokenInputs = true;
        names = withNames;
      } else {
        names = [{ name: previous, path: node.path }, ...withNames];
      }
    }
    for (const { name, path: namePath } of names) {
      if (byKey.has(name)) {
        if (name === node.key) {
          findings.push({ code: 'cycle', severity: 'error', message: `Layer "${name}" takes its own output as input.`, path: namePath });
          node.brokenInputs = true;
        } else {
          node.inputs.push(name);
        }
      } else if ((NETWORK_INPUT_NAMES as readonly string[]).includes(name)) {
        const inputName = name as NetworkInputName;
        if (context.inputs.has(inputName)) {
          node.inputs.push(name);
        } else {
          node.brokenInputs = true;
          findings.push({ code: 'input-unavailable', severity: 'error', message: context.unavailable.get(inputName) ?? `The ${role} has no input "${name}".`, path: namePath });
        }
      } else {
        node.brokenInputs = true;
        const guess = closest(name, [...ids, ...context.inputs.keys()]);
        const hint = guess ? ` Did you mean "${guess}"?` : ids.length ? ` Ids in the ${role}: ${ids.map((i) => `"${i}"`).join(', ')}.` : ' No layer of the ' + role + ' has an id yet.';
        findings.push({ code: 'unknown-input', severity: 'error', message: `No layer or input named "${name}" in the ${role}.${hint}`, path: namePath });
      }
    }
    const type = layer.type as string;
    if (!node.brokenInputs && typeof type === 'string') {
      const merge = MERGE_LAYERS.has(type as LayerSpec['type']);
      if (merge && node.inputs.length < 2) {
        findings.push({ code: 'input-count', severity: 'error', message: `${type} joins two or more inputs; this one has ${node.inputs.length}. Name the others with "with": ["id"].`, path: [...node.path, 'type'] });
        node.brokenInputs = true;
      } else if (!merge && node.inputs.length > 1) {
        findings.push({ code: 'input-count', severity: 'error', message: `A ${type} layer takes one input, but gets ${node.inputs.length}: ${node.inputs.join(', ')}. Join them first with a concat or add layer.`, path: [...node.path, 'inputs'], target: 'key' });
        node.brokenInputs = true;
      }
    }
  });

  // 3. Order: a layer comes after everything it reads (Kahn's algorithm); the rest is a cycle.
  const order = topologicalOrder(nodes, byKey);
  if (order.length < nodes.length) {
    const inCycle = nodes.filter((n) => !order.includes(n));
    const keys = inCycle.map((n) => n.key);
    for (const n of inCycle) {
      findings.push({ code: 'cycle', severity: 'error', message: `Layers ${keys.map((k) => `"${k}"`).join(', ')} feed each other in a loop; a network must flow one way.`, path: Array.isArray(n.layer.inputs) ? [...n.path, 'inputs'] : n.path, target: Array.isArray(n.layer.inputs) ? 'key' : 'value' });
    }
  }

  // 4. Shapes, in order.
  const tensors = new Map<string, TensorInfo | undefined>(context.inputs);
  const infos = new Map<Node, LayerInfo>();
  for (const node of nodes) {
    infos.set(node, {
      key: node.key,
      id: typeof node.layer.id === 'string' ? node.layer.id : undefined,
      index: node.index,
      type: typeof node.layer.type === 'string' ? node.layer.type : '?',
      summary: '',
      inputs: node.inputs,
      trainableParams: 0,
      nonTrainableParams: 0,
      path: node.path,
      hasError: context.isInvalid(node.path) || node.brokenInputs,
    });
  }
  for (const node of order) {
    const info = infos.get(node)!;
    const valid = !context.isInvalid(node.path) && typeof node.layer.type === 'string';
    if (valid) info.summary = layerSummary(node.layer as unknown as LayerSpec);
    else info.summary = info.type;
    const inputTensors = node.inputs.map((k) => tensors.get(k));
    if (!valid || node.brokenInputs || inputTensors.some((t) => t === undefined)) {
      tensors.set(node.key, undefined);
      continue;
    }
    const result = inferLayer(node.layer as unknown as LayerSpec, inputTensors as TensorInfo[]);
    for (const issue of result.issues) {
      findings.push({ code: issue.code, severity: issue.severity, message: issue.message, path: issuePath(node, issue.key) });
      if (issue.severity === 'error') info.hasError = true;
    }
    info.outputShape = result.output?.shape;
    info.trainableParams = result.trainableParams;
    info.nonTrainableParams = result.nonTrainableParams;
    tensors.set(node.key, result.output);
  }

  // 5. The output, and layers whose output goes nowhere.
  let outputNode: Node | undefined = nodes[nodes.length - 1];
  const outputValue = isObject(context.value) ? context.value.output : undefined;
  if (typeof outputValue === 'string') {
    outputNode = byKey.get(outputValue);
    if (!outputNode) {
      const guess = closest(outputValue, ids);
      findings.push({ code: 'unknown-output', severity: 'error', message: `No layer has the id "${outputValue}".${guess ? ` Did you mean "${guess}"?` : ''}`, path: [...path, 'output'] });
    }
  }
  const consumed = new Set(nodes.flatMap((n) => n.inputs));
  // Without a known output every terminal layer would look unused: say nothing then.
  for (const node of outputNode ? nodes : []) {
    if (node !== outputNode && !consumed.has(node.key) && !node.brokenInputs) {
      findings.push({ code: 'unused-layer', severity: 'warning', message: `The output of this ${String(node.layer.type ?? 'layer')} goes nowhere: no layer reads it and it is not the ${role}'s output.`, path: node.path });
    }
  }

  const layers = nodes.map((n) => infos.get(n)!);
  const outputTensor = outputNode ? tensors.get(outputNode.key) : undefined;
  const info: NetworkInfo = {
    role,
    inputs: [...context.inputs.entries()].map(([name, tensor]) => ({ name, shape: tensor?.shape })),
    layers,
    outputKey: outputNode?.key,
    outputShape: outputTensor?.kind === 'float' ? outputTensor.shape : undefined,
    trainableParams: layers.reduce((sum, l) => sum + l.trainableParams, 0),
    nonTrainableParams: layers.reduce((sum, l) => sum + l.nonTrainableParams, 0),
    complete: layers.length > 0 && layers.every((l) => l.outputShape !== undefined),
  };
  return { info, findings };
}

function topologicalOrder(nodes: Node[], byKey: Map<string, Node>): Node[] {
  const pending = new Map<Node, number>();
  const readers = new Map<Node, Node[]>();
  for (const node of nodes) {
    const layerInputs = node.inputs.map((k) => byKey.get(k)).filter((n): n is Node => n !== undefined);
    pending.set(node, layerInputs.length);
    for (const input of layerInputs) readers.set(input, [...(readers.get(input) ?? []), node]);
  }
  const ready = nodes.filter((n) => pending.get(n) === 0);
  const order: Node[] = [];
  while (ready.length > 0) {
    const node = ready.shift()!;
    order.push(node);
    for (const reader of readers.get(node) ?? []) {
      const left = pending.get(reader)! - 1;
      pending.set(reader, left);
      if (left === 0) ready.push(reader);
    }
  }
  return order;
}

/** Point at the key an issue is about, falling back to related keys that exist. */
function issuePath(node: Node, key: string | undefined): JsonPath {
  const candidates = key === 'with' ? ['with', 'inputs'] : key === 'inputs' ? ['inputs', 'with'] : key ? [key] : [];
  for (const k of candidates) if (k in node.layer) return [...node.path, k];
  return node.path;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describeShape(shape: Shape | undefined): string {
  return shape ? formatShape(shape) : '?';
}
