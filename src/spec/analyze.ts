/**
 * The whole check of a `.gan.json` text: syntax → schema → each network's graph and
 * shapes → the rules that tie data, networks, condition, loss and training together.
 *
 * Never throws on any input; every problem carries an exact text range. The result is
 * plain data: the CLI prints it, the extension turns it into diagnostics, the diagram
 * draws it.
 */
import { Node } from 'jsonc-parser';
import { TensorInfo, formatShape } from './layers';
import { rangeOf } from './locate';
import { analyzeNetwork, Finding, isObject, NetworkContext, NetworkInfo, NetworkRole } from './network';
import { parseJsonText } from './parse';
import { JsonPath, Problem } from './problems';
import { LineIndex } from './text';
import { GanSpec, NetworkInputName, Shape } from './types';
import { isInvalidWithin, validateAgainstSchema } from './validate';

export interface Analysis {
  text: string;
  lines: LineIndex;
  root?: Node;
  /** The parsed value when the file is an object; may still have problems. */
  spec?: GanSpec;
  problems: Problem[];
  generator?: NetworkInfo;
  discriminator?: NetworkInfo;
  /** Shape of one real sample, when known. */
  dataShape?: Shape;
}

/** How many classes each toy distribution's modes give, for conditional 2-D GANs. */
export const TOY_CLASSES: Record<string, number | undefined> = { ring: 8, grid: 25, moons: 2, spiral: undefined };

export function analyzeText(text: string): Analysis {
  const lines = new LineIndex(text);
  const parsed = parseJsonText(text);
  const result: Analysis = { text, lines, root: parsed.root, problems: [...parsed.problems] };
  const root = parsed.root;
  if (!root) return finish(result);
  if (root.type !== 'object') {
    result.problems.push({ code: 'wrong-type', severity: 'error', origin: 'schema', message: 'A .gan.json file holds one JSON object with "data", "generator", "discriminator", "loss" and "training".', path: [], start: root.offset, end: root.offset + Math.min(root.length, 1) });
    return finish(result);
  }

  const schema = validateAgainstSchema(root);
  for (const p of schema.problems) result.problems.push(p);
  const isInvalid = (path: JsonPath) => isInvalidWithin(schema.invalidPaths, path);
  const spec = nodeValue(root) as GanSpec;
  result.spec = spec;

  const findings: Finding[] = [];
  const data = dataFacts(spec, isInvalid);
  result.dataShape = data.shape;

  const networks: Partial<Record<NetworkRole, NetworkInfo>> = {};
  for (const role of ['generator', 'discriminator'] as const) {
    if (spec[role] === undefined) continue;
    const { info, findings: networkFindings } = analyzeNetwork(networkContext(role, spec, data, isInvalid));
    networks[role] = info;
    for (const f of networkFindings) findings.push(f);
  }
  result.generator = networks.generator;
  result.discriminator = networks.discriminator;

  for (const f of ganRules(spec, data, networks, isInvalid)) findings.push(f);
  for (const f of findings) {
    const range = rangeOf(root, f.path, f.target);
    result.problems.push({ code: f.code, severity: f.severity, message: f.message, origin: 'semantic', path: f.path, start: range.start, end: range.end });
  }
  return finish(result);
}

function finish(result: Analysis): Analysis {
  result.problems.sort((a, b) => a.start - b.start || a.end - b.end);
  return result;
}

/** jsonc-parser's getNodeValue, without recursion limits to worry about (depth is capped at parse). */
function nodeValue(node: Node): unknown {
  switch (node.type) {
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const property of node.children ?? []) {
        const [key, child] = property.children ?? [];
        if (key && child) value[String(key.value)] = nodeValue(child);
      }
      return value;
    }
    case 'array':
      return (node.children ?? []).map(nodeValue);
    default:
      return node.value;
  }
}

// ---------------------------------------------------------------------------------------
// What the data offers

interface DataFacts {
  kind?: string;
  shape?: Shape;
  sourceShape?: Shape;
  paired: boolean;
  /** Whether the data can provide class labels; undefined when the data section is broken. */
  hasLabels?: boolean;
  /** Number of classes when the data fixes it (toy distributions). */
  classes?: number;
}

function dataFacts(spec: GanSpec, isInvalid: (p: JsonPath) => boolean): DataFacts {
  const data = spec.data as unknown;
  if (!isObject(data) || typeof data.kind !== 'string') return { paired: false };
  const validShape = (key: string): Shape | undefined =>
    Array.isArray(data[key]) && !isInvalid(['data', key]) ? (data[key] as Shape) : undefined;
  switch (data.kind) {
    case 'toy2d': {
      const distribution = typeof data.distribution === 'string' ? data.distribution : undefined;
      const classes = distribution ? TOY_CLASSES[distribution] : undefined;
      return { kind: 'toy2d', shape: [2], paired: false, hasLabels: classes !== undefined, classes };
    }
    case 'idx':
      return { kind: 'idx', shape: validShape('shape'), paired: false, hasLabels: typeof data.labels === 'string' };
    case 'imageFolder':
      return { kind: 'imageFolder', shape: validShape('shape'), paired: false, hasLabels: data.labelsFromSubfolders === true };
    case 'pairedImages': {
      const shape = validShape('shape');
      const sourceShape = data.sourceShape === undefined ? shape : validShape('sourceShape');
      return { kind: 'pairedImages', shape, sourceShape, paired: true, hasLabels: false };
    }
    default:
      return { paired: false };
  }
}

// ---------------------------------------------------------------------------------------
// What each network may read

function networkContext(role: NetworkRole, spec: GanSpec, data: DataFacts, isInvalid: (p: JsonPath) => boolean): NetworkContext {
  const inputs = new Map<NetworkInputName, TensorInfo | undefined>();
  const unavailable = new Map<NetworkInputName, string>();
  const float = (shape: Shape | undefined): TensorInfo | undefined => (shape ? { shape, kind: 'float' } : undefined);

  if (role === 'generator') {
    if (isObject(spec.latent)) {
      const size = spec.latent.size;
      inputs.set('latent', typeof size === 'number' && !isInvalid(['latent', 'size']) ? float([size]) : undefined);
    } else {
      unavailable.set('latent', 'This GAN has no latent vector: add "latent": { "size": 100 } at the top level.');
    }
  } else {
    unavailable.set('latent', 'The discriminator never sees z; it judges samples ("image").');
  }

  if (isObject(spec.condition)) inputs.set('label', { shape: [1], kind: 'label' });
  else unavailable.set('label', '"label" needs a condition: add "condition": { "classes": 10 } at the top level.');

  if (data.paired) inputs.set('source', float(data.sourceShape));
  else unavailable.set('source', '"source" (the input image of image-to-image translation) needs paired data: "data": { "kind": "pairedImages", … }.');

  if (role === 'discriminator') inputs.set('image', float(data.shape));
  else unavailable.set('image', 'The generator makes images; only the discriminator reads "image".');

  const mainInput: NetworkInputName | undefined =
    role === 'discriminator' ? 'image' : inputs.has('latent') ? 'latent' : inputs.has('source') ? 'source' : undefined;

  return { role, inputs, unavailable, mainInput, value: spec[role], path: [role], isInvalid };
}

// ---------------------------------------------------------------------------------------
// Rules across sections

function ganRules(spec: GanSpec, data: DataFacts, networks: Partial<Record<NetworkRole, NetworkInfo>>, isInvalid: (p: JsonPath) => boolean): Finding[] {
  const findings: Finding[] = [];
  const add = (f: Finding) => findings.push(f);
  const G = networks.generator;
  const D = networks.discriminator;
  const reads = (network: NetworkInfo | undefined, name: string) => network?.layers.some((l) => l.inputs.includes(name)) ?? false;

  // The generator needs something to start from.
  if (G && G.layers.length > 0 && !G.inputs.some((i) => i.name === 'latent' || i.name === 'source')) {
    add({ code: 'generator-without-input', severity: 'error', message: 'The generator has nothing to start from: add "latent": { "size": 100 } (noise) or use paired data (an input image, "source").', path: ['generator'], target: 'key' });
  }

  // G must make samples of the data's shape.
  if (G?.outputShape && data.shape && !sameShape(G.outputShape, data.shape)) {
    const outputLayer = G.layers.find((l) => l.key === G.outputKey);
    add({
      code: 'generator-output-mismatch',
      severity: 'error',
      message: `The generator makes ${formatShape(G.outputShape)} but the data is ${formatShape(data.shape)}; its last layer must produce exactly one sample of the data's shape.${hintForMismatch(G.outputShape, data.shape)}`,
      path: outputLayer?.path ?? ['generator'],
    });
  }

  // A declared input shape documents what a network expects; it must match what it gets.
  for (const network of [G, D]) {
    const value = network ? (spec[network.role] as unknown) : undefined;
    if (!network || !isObject(value) || !Array.isArray(value.inputShape) || isInvalid([network.role, 'inputShape'])) continue;
    const declared = value.inputShape as Shape;
    const main = network.role === 'discriminator' ? 'image' : network.inputs.some((i) => i.name === 'latent') ? 'latent' : 'source';
    const actual = network.inputs.find((i) => i.name === main)?.shape;
    if (!actual || sameShape(declared, actual)) continue;
    const what = main === 'image' ? `the data's samples are ${formatShape(actual)}` : main === 'latent' ? `the latent vector is ${formatShape(actual)}` : `the source images are ${formatShape(actual)}`;
    const conditionHint = main === 'image' && isObject(spec.condition) && declared.length === 3 && actual.length === 3 && declared[2] > actual[2]
      ? ' (inputShape is the sample alone; the condition joins inside the network, e.g. a concat with the label\'s embedding)'
      : '';
    add({
      code: network.role === 'discriminator' ? 'discriminator-input-mismatch' : 'generator-input-mismatch',
      severity: 'error',
      message: `The ${network.role} declares inputShape ${formatShape(declared)}, but ${what}${conditionHint}. Update inputShape or the ${main === 'image' ? 'data' : main}.`,
      path: [network.role, 'inputShape'],
    });
  }

  // D must end in one score per sample, or a patch map of scores (PatchGAN).
  if (D?.outputShape) {
    const s = D.outputShape;
    const single = s.length === 1 && s[0] === 1;
    const patch = s.length === 3 && s[2] === 1;
    if (!single && !patch) {
      const outputLayer = D.layers.find((l) => l.key === D.outputKey);
      add({
        code: 'discriminator-output',
        severity: 'error',
        message: `The discriminator ends in ${formatShape(s)}; it must give one score per sample ([1]) or a map of patch scores ([h, w, 1]). ${s.length === 3 ? 'Add a conv2d with 1 filter, or flatten + dense 1.' : 'End with a dense layer of 1 unit.'}`,
        path: outputLayer?.path ?? ['discriminator'],
      });
    }
  }

  // The condition: labelled data, read by someone, class counts in agreement.
  const hasCondition = isObject(spec.condition);
  const classes = hasCondition && typeof spec.condition!.classes === 'number' && !isInvalid(['condition', 'classes']) ? spec.condition!.classes : undefined;
  if (hasCondition) {
    if (data.hasLabels === false) {
      const why: Record<string, string> = {
        idx: 'give the labels file: "labels": "…-labels-idx1-ubyte.gz"',
        imageFolder: 'set "labelsFromSubfolders": true and put each class in its own sub-folder',
        pairedImages: 'paired image data has no class labels',
        toy2d: 'the spiral has no modes to use as classes; use ring, grid or moons',
      };
      add({ code: 'condition-needs-labels', severity: 'error', message: `A condition needs a class label for every sample, but this data has none: ${why[data.kind ?? ''] ?? 'use labelled data'}.`, path: ['condition'], target: 'key' });
    }
    if (classes !== undefined && data.classes !== undefined && classes !== data.classes) {
      add({ code: 'classes-mismatch', severity: 'error', message: `The ${String((spec.data as unknown as Record<string, unknown>).distribution)} distribution has ${data.classes} modes (the classes), but the condition says ${classes}.`, path: ['condition', 'classes'] });
    }
    if (G && D && !reads(G, 'label') && !reads(D, 'label')) {
      add({ code: 'condition-unused', severity: 'warning', message: 'No layer reads the condition: feed "label" to an embedding in both networks ("inputs": ["label"]).', path: ['condition'], target: 'key' });
    }
    if (isObject(spec.condition) && Array.isArray(spec.condition.names) && classes !== undefined && spec.condition.names.length !== classes) {
      add({ code: 'classes-mismatch', severity: 'warning', message: `${spec.condition.names.length} names for ${classes} classes.`, path: ['condition', 'names'] });
    }
  }
  for (const network of [G, D]) {
    for (const layer of network?.layers ?? []) {
      if (layer.type !== 'embedding' || classes === undefined || isInvalid(layer.path)) continue;
      const value = valueAt(spec, [...layer.path, 'inputDim']);
      if (typeof value === 'number' && value !== classes) {
        add({ code: 'classes-mismatch', severity: 'error', message: `This embedding has inputDim ${value}, but the condition has ${classes} classes; they must be equal.`, path: [...layer.path, 'inputDim'] });
      }
    }
  }

  // Paired data: the generator must translate the source image.
  if (data.paired && G && G.layers.length > 0 && !reads(G, 'source')) {
    add({ code: 'source-unused', severity: 'warning', message: 'Paired data gives the generator an input image ("source"), but no layer reads it.', path: ['generator'], target: 'key' });
  }

  // The loss.
  if (isObject(spec.loss) && !isInvalid(['loss', 'kind'])) {
    const loss = spec.loss;
    if (typeof loss.l1 === 'number' && loss.l1 > 0 && data.kind !== undefined && !data.paired) {
      add({ code: 'loss-needs-paired-data', severity: 'error', message: `The L1 term measures ‖y − G(x)‖₁ against a real target y, which only paired data ("kind": "pairedImages") provides; this data is "${data.kind}". Remove "l1" or use paired images.`, path: ['loss', 'l1'], target: 'key' });
    }
    if (loss.gradientPenalty !== undefined && loss.kind !== 'wasserstein') {
      add({ code: 'option-ignored', severity: 'warning', message: `"gradientPenalty" only applies to the "wasserstein" loss; it is ignored for "${loss.kind}".`, path: ['loss', 'gradientPenalty'], target: 'key' });
    }
    if (loss.nonSaturatingGenerator !== undefined && loss.kind !== 'minimax') {
      add({ code: 'option-ignored', severity: 'warning', message: `"nonSaturatingGenerator" switches the minimax loss; it is ignored for "${loss.kind}".`, path: ['loss', 'nonSaturatingGenerator'], target: 'key' });
    }
    if (loss.kind === 'wasserstein' && D) {
      const last = D.layers.find((l) => l.key === D.outputKey);
      if (last?.type === 'sigmoid' || (last && valueAt(spec, [...last.path, 'activation']) === 'sigmoid')) {
        add({ code: 'critic-sigmoid', severity: 'warning', message: 'A Wasserstein critic outputs an unbounded score; a sigmoid squashes it into (0, 1) and stalls training. Remove it.', path: last.path });
      }
    }
  }

  // Training length.
  if (isObject(spec.training)) {
    const t = spec.training as unknown as Record<string, unknown>;
    if (t.steps === undefined && t.epochs === undefined) {
      add({ code: 'missing-duration', severity: 'error', message: 'Say how long to train: "steps": N (generator updates) or "epochs": N (passes over the data).', path: ['training'], target: 'key' });
    } else if (t.steps !== undefined && t.epochs !== undefined) {
      add({ code: 'duration-conflict', severity: 'error', message: 'Give "steps" or "epochs", not both.', path: ['training', 'epochs'], target: 'key' });
    }
  }
  return findings;
}

function hintForMismatch(made: Shape, wanted: Shape): string {
  if (made.length === 3 && wanted.length === 3) {
    if (made[0] === wanted[0] && made[1] === wanted[1]) return ` Set the last layer's filters to ${wanted[2]}.`;
    if (made[2] === wanted[2] && made[0] !== wanted[0]) {
      const ratio = wanted[0] / made[0];
      if (ratio === 2) return ' One more ×2 up-sampling step is needed.';
      if (ratio === 0.5) return ' One ×2 up-sampling step too many.';
    }
  }
  return '';
}

function valueAt(root: unknown, path: JsonPath): unknown {
  let value: unknown = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
