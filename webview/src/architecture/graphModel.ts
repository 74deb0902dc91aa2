/**
 * A network of the DiagramModel → the nodes and edges one canvas draws, with node sizes
 * measured for the layout. Adds what the diagram shows around the discriminator: the real
 * data and the generator's output flowing into it, and the loss after it. Every shape and
 * count shown comes from the model; nothing is computed here.
 */
import type { DiagramModel, DiagramNetwork, DiagramNode, DiagramProblem } from '../../../src/protocol';
import { INPUT_NODE_LABELS } from '../../../src/protocol';
import { formatCount, formatShape } from '../format';
import { measureText } from './measureText';

export type NetworkRole = DiagramNetwork['role'];
export type DrawNodeKind = 'input' | 'layer' | 'data' | 'loss';

export interface DrawNode {
  /** Unique within the graph; the layout's id. */
  id: string;
  /** The model's node key (layer id, `#index` or input name); synthetic nodes have none. */
  key?: string;
  kind: DrawNodeKind;
  /** A colour family: weights, norm, activation, merge, reshape, dropout, input, data, loss. */
  category: string;
  title: string;
  /** The layer's `id`, shown beside the title when the file names it. */
  tag?: string;
  shapeText: string;
  shapeKnown: boolean;
  paramsText?: string;
  problems: DiagramProblem[];
  severity?: 'error' | 'warning';
  isOutput: boolean;
  /** Layer nodes are written in the file; clicking one reveals it. */
  revealable: boolean;
  width: number;
  height: number;
}

export interface DrawEdge {
  id: string;
  from: string;
  to: string;
  /** Named with `inputs`/`with` (a U-Net skip connection): drawn and routed apart. */
  skip: boolean;
}

export interface DrawGraph {
  role: NetworkRole;
  nodes: DrawNode[];
  edges: DrawEdge[];
  /** Equal keys mean equal layouts, so an edit that changes no size or edge keeps positions. */
  layoutKey: string;
}

const CATEGORY: Record<string, string> = {
  dense: 'weights',
  conv2d: 'weights',
  conv2dTranspose: 'weights',
  embedding: 'weights',
  batchNorm: 'norm',
  instanceNorm: 'norm',
  layerNorm: 'norm',
  relu: 'activation',
  leakyRelu: 'activation',
  tanh: 'activation',
  sigmoid: 'activation',
  elu: 'activation',
  selu: 'activation',
  linear: 'activation',
  concat: 'merge',
  add: 'merge',
  reshape: 'reshape',
  flatten: 'reshape',
  upsample: 'reshape',
  zeroPad: 'reshape',
  dropout: 'dropout',
};

export const NODE_FONT = { title: 600, size: 12, metaSize: 11 };
const PADDING_X = 12;
const BAR = 5;
const MIN_WIDTH = 150;
export const LINE = { first: 18, second: 34, third: 49 };

function nodeId(key: string): string {
  return `n:${key}`;
}

function severityOf(problems: DiagramProblem[]): DrawNode['severity'] {
  if (problems.some((p) => p.severity === 'error')) return 'error';
  if (problems.some((p) => p.severity === 'warning')) return 'warning';
  return undefined;
}

function paramsText(node: DiagramNode): string {
  const parts: string[] = [];
  if (node.trainableParams > 0) parts.push(`${formatCount(node.trainableParams)} params`);
  if (node.nonTrainableParams > 0) parts.push(`${formatCount(node.nonTrainableParams)} fixed`);
  return parts.length ? parts.join(' · ') : 'no params';
}

/** The fonts the stylesheet gives node text: titles and counts in the UI font, shapes and ids in the editor's. */
export interface NodeFonts {
  ui: string;
  mono: string;
}

function sized(node: Omit<DrawNode, 'width' | 'height'>, fonts: NodeFonts): DrawNode {
  const titleWidth = measureText(node.title, `${NODE_FONT.title} ${NODE_FONT.size}px ${fonts.ui}`);
  const tagWidth = node.tag ? measureText(node.tag, `${NODE_FONT.metaSize}px ${fonts.mono}`) + 10 : 0;
  const meta = [measureText(node.shapeText, `${NODE_FONT.metaSize}px ${fonts.mono}`), measureText(node.paramsText ?? '', `${NODE_FONT.metaSize}px ${fonts.ui}`)];
  const width = Math.ceil(Math.max(MIN_WIDTH, titleWidth + tagWidth, ...meta) + 2 * PADDING_X + BAR);
  const height = node.paramsText === undefined ? 42 : 58;
  return { ...node, width, height };
}

export function toDrawGraph(model: DiagramModel, network: DiagramNetwork, fonts: NodeFonts): DrawGraph {
  const nodes: DrawNode[] = [];
  const edges: DrawEdge[] = [];
  const keys = new Set(network.nodes.map((n) => n.key));

  for (const node of network.nodes) {
    if (node.kind === 'input') {
      nodes.push(
        sized(
          {
            id: nodeId(node.key),
            key: node.key,
            kind: 'input',
            category: 'input',
            title: INPUT_NODE_LABELS[node.key as keyof typeof INPUT_NODE_LABELS] ?? node.summary,
            shapeText: formatShape(node.outputShape),
            shapeKnown: node.outputShape !== undefined,
            problems: node.problems,
            severity: severityOf(node.problems),
            isOutput: false,
            revealable: false,
          },
          fonts,
        ),
      );
      continue;
    }
    nodes.push(
      sized(
        {
          id: nodeId(node.key),
          key: node.key,
          kind: node.kind === 'loss' ? 'loss' : 'layer',
          category: CATEGORY[node.type] ?? 'other',
          title: node.summary || node.type,
          tag: node.key.startsWith('#') ? undefined : node.key,
          shapeText: formatShape(node.outputShape),
          shapeKnown: node.outputShape !== undefined,
          paramsText: paramsText(node),
          problems: node.problems,
          severity: severityOf(node.problems),
          isOutput: node.key === network.outputKey,
          revealable: node.kind === 'layer',
        },
        fonts,
      ),
    );
  }

  network.edges.forEach((edge, i) => {
    // A broken file can name a layer that does not exist; the problem list says so.
    if (!keys.has(edge.from) || !keys.has(edge.to)) return;
    edges.push({ id: `e${i}`, from: nodeId(edge.from), to: nodeId(edge.to), skip: edge.explicit });
  });

  // One width for every layer keeps the chain a straight column (inputs keep their own).
  const layerWidth = Math.max(0, ...nodes.filter((n) => n.kind === 'layer').map((n) => n.width));
  for (const node of nodes) if (node.kind === 'layer') node.width = layerWidth;

  if (network.role === 'discriminator') addGanContext(model, network, nodes, edges, fonts);

  const layoutKey = JSON.stringify([nodes.map((n) => [n.id, n.width, n.height]), edges.map((e) => [e.from, e.to, e.skip])]);
  return { role: network.role, nodes, edges, layoutKey };
}

/** Real data and G's output feed D's `image` input; D's verdict feeds the loss. */
function addGanContext(model: DiagramModel, network: DiagramNetwork, nodes: DrawNode[], edges: DrawEdge[], fonts: NodeFonts): void {
  const image = network.nodes.find((n) => n.kind === 'input' && n.key === 'image');
  const generator = model.networks.find((n) => n.role === 'generator');
  if (image) {
    nodes.unshift(
      sized(
        {
          id: 'x:data',
          kind: 'data',
          category: 'data',
          title: model.dataKind ? `real data (${model.dataKind})` : 'real data',
          shapeText: formatShape(model.dataShape),
          shapeKnown: model.dataShape !== undefined,
          problems: [],
          isOutput: false,
          revealable: false,
        },
        fonts,
      ),
      sized(
        {
          id: 'x:fake',
          kind: 'data',
          category: 'generated',
          title: 'G output (fake)',
          shapeText: formatShape(generator?.outputShape),
          shapeKnown: generator?.outputShape !== undefined,
          problems: [],
          isOutput: false,
          revealable: false,
        },
        fonts,
      ),
    );
    edges.push({ id: 'x:data-edge', from: 'x:data', to: nodeId(image.key), skip: false });
    edges.push({ id: 'x:fake-edge', from: 'x:fake', to: nodeId(image.key), skip: false });
  }
  if (network.outputKey && network.nodes.some((n) => n.key === network.outputKey)) {
    nodes.push(
      sized(
        {
          id: 'x:loss',
          kind: 'loss',
          category: 'loss',
          title: `loss: ${model.lossSummary ?? '?'}`,
          shapeText: 'D(real) vs D(fake) → G and D updates',
          shapeKnown: true,
          problems: [],
          isOutput: false,
          revealable: false,
        },
        fonts,
      ),
    );
    edges.push({ id: 'x:loss-edge', from: nodeId(network.outputKey), to: 'x:loss', skip: false });
  }
}
