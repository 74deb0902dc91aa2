/**
 * Analysis → the plain data the architecture diagram draws (`DiagramModel` in the
 * protocol). The webview receives this and computes nothing itself.
 */
import { Analysis } from './analyze';
import { nodeAt } from './locate';
import { NetworkInfo } from './network';
import { Problem, Severity } from './problems';
import { GanSpec, Shape } from './types';

/** A text range in the `.gan.json` document, zero-based. */
export interface SourceRange {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
}

export interface DiagramProblem {
  severity: Severity;
  code: string;
  message: string;
  range: SourceRange;
}

export type DiagramNodeKind = 'input' | 'layer' | 'loss';

export interface DiagramNode {
  /** Unique within its network: a layer key (`id` or `#index`) or an input name. */
  key: string;
  kind: DiagramNodeKind;
  /** Layer type (`conv2d` …), input name (`latent` …) or `loss`. */
  type: string;
  /** e.g. `conv2d 4×4 /2 64`. */
  summary: string;
  outputShape?: Shape;
  trainableParams: number;
  nonTrainableParams: number;
  /** Where this node is written (the layer object); absent for implicit inputs. */
  range?: SourceRange;
  problems: DiagramProblem[];
}

export interface DiagramEdge {
  from: string;
  to: string;
  /** A connection named with `inputs`/`with` rather than the implicit previous layer (U-Net skips). */
  explicit: boolean;
}

export interface DiagramNetwork {
  role: 'generator' | 'discriminator';
  nodes: DiagramNode[];
  edges: DiagramEdge[];
  outputKey?: string;
  outputShape?: Shape;
  trainableParams: number;
  nonTrainableParams: number;
  complete: boolean;
}

export interface DiagramModel {
  /** The document this diagram shows. */
  uri: string;
  fileName: string;
  title: string;
  dataShape?: Shape;
  dataKind?: string;
  lossSummary?: string;
  networks: DiagramNetwork[];
  /** Problems not attached to any layer. */
  problems: DiagramProblem[];
  errorCount: number;
  warningCount: number;
}


export function toDiagramModel(analysis: Analysis, uri: string, fileName: string): DiagramModel {
  const { lines, problems } = analysis;
  const toRange = (start: number, end: number): SourceRange => {
    const a = lines.positionAt(start);
    const b = lines.positionAt(end);
    return { startLine: a.line, startCharacter: a.character, endLine: b.line, endCharacter: b.character };
  };
  const toDiagramProblem = (p: Problem): DiagramProblem => ({ severity: p.severity, code: p.code, message: p.message, range: toRange(p.start, p.end) });

  const attached = new Set<Problem>();
  const networks: DiagramNetwork[] = [];
  for (const info of [analysis.generator, analysis.discriminator]) {
    if (info) networks.push(networkModel(info, analysis, toRange, (p) => {
      attached.add(p);
      return toDiagramProblem(p);
    }));
  }

  return {
    uri,
    fileName,
    title: typeof analysis.spec?.name === 'string' ? analysis.spec.name : fileName,
    dataShape: analysis.dataShape,
    dataKind: typeof analysis.spec?.data?.kind === 'string' ? analysis.spec.data.kind : undefined,
    lossSummary: lossSummary(analysis.spec),
    networks,
    problems: problems.filter((p) => !attached.has(p)).map(toDiagramProblem),
    errorCount: problems.filter((p) => p.severity === 'error').length,
    warningCount: problems.filter((p) => p.severity === 'warning').length,
  };
}

function networkModel(
  info: NetworkInfo,
  analysis: Analysis,
  toRange: (start: number, end: number) => SourceRange,
  attach: (p: Problem) => DiagramProblem,
): DiagramNetwork {
  const nodes: DiagramNode[] = [];
  const edges: DiagramEdge[] = [];
  const used = new Set(info.layers.flatMap((l) => l.inputs));
  for (const input of info.inputs) {
    if (!used.has(input.name)) continue;
    nodes.push({ key: input.name, kind: 'input', type: input.name, summary: input.name, outputShape: input.shape, trainableParams: 0, nonTrainableParams: 0, problems: [] });
  }
  for (const layer of info.layers) {
    const node = nodeAt(analysis.root, layer.path);
    const prefix = layer.path.join('/');
    const own = analysis.problems.filter((p) => {
      const path = p.path.join('/');
      return path === prefix || path.startsWith(prefix + '/');
    });
    nodes.push({
      key: layer.key,
      kind: 'layer',
      type: layer.type,
      summary: layer.summary,
      outputShape: layer.outputShape,
      trainableParams: layer.trainableParams,
      nonTrainableParams: layer.nonTrainableParams,
      range: node ? toRange(node.offset, node.offset + node.length) : undefined,
      problems: own.map(attach),
    });
    const value = valueOf(analysis.spec, layer.path);
    const explicit = value !== undefined && (Array.isArray(value.inputs) || Array.isArray(value.with));
    layer.inputs.forEach((from, i) => edges.push({ from, to: layer.key, explicit: explicit && (Array.isArray(value?.inputs) || i > 0) }));
  }
  // Problems about the network as a whole (e.g. "generator" key) stay unattached.
  return {
    role: info.role,
    nodes,
    edges,
    outputKey: info.outputKey,
    outputShape: info.outputShape,
    trainableParams: info.trainableParams,
    nonTrainableParams: info.nonTrainableParams,
    complete: info.complete,
  };
}

function valueOf(spec: GanSpec | undefined, path: (string | number)[]): Record<string, unknown> | undefined {
  let value: unknown = spec;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
}

function lossSummary(spec: GanSpec | undefined): string | undefined {
  const loss = spec?.loss;
  if (!loss || typeof loss.kind !== 'string') return undefined;
  const parts: string[] = [loss.kind];
  if (loss.kind === 'minimax' && loss.nonSaturatingGenerator) parts.push('(non-saturating G)');
  if (loss.kind === 'wasserstein') parts.push(`GP λ=${loss.gradientPenalty ?? 10}`);
  if (typeof loss.l1 === 'number' && loss.l1 > 0) parts.push(`+ ${loss.l1}·L1`);
  return parts.join(' ');
}

