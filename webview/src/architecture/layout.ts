/**
 * Node positions and edge routes with elkjs' layered algorithm, top-down. The bundled
 * build runs in the page (no worker, so no `worker-src` in the CSP); a few hundred nodes
 * take a fraction of a second.
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { DrawGraph } from './graphModel';

export interface Point {
  x: number;
  y: number;
}

export interface NodeBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GraphLayout {
  key: string;
  width: number;
  height: number;
  nodes: Map<string, NodeBox>;
  edges: Map<string, Point[]>;
}

let elk: InstanceType<typeof ELK> | undefined;

const LAYOUT_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.padding': '[top=16,left=16,bottom=16,right=16]',
  'elk.spacing.nodeNode': '28',
  'elk.spacing.edgeNode': '14',
  'elk.spacing.edgeEdge': '8',
  'elk.layered.spacing.nodeNodeBetweenLayers': '26',
  'elk.layered.spacing.edgeNodeBetweenLayers': '12',
  // Keep the order of the file: layer n is drawn above layer n+1.
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  // Keeps a long chain (a 55-layer U-Net) in one straight column, with skips beside it.
  'elk.layered.nodePlacement.strategy': 'SIMPLE',
};

export async function layoutGraph(graph: DrawGraph): Promise<GraphLayout> {
  elk ??= new ELK();
  const root: ElkNode = {
    id: 'root',
    layoutOptions: LAYOUT_OPTIONS,
    children: graph.nodes.map((n) => ({ id: n.id, width: n.width, height: n.height })),
    edges: graph.edges.map(
      (e): ElkExtendedEdge => ({
        id: e.id,
        sources: [e.from],
        targets: [e.to],
        // The main chain stays straight; skips bend around it.
        layoutOptions: { 'elk.layered.priority.straightness': e.skip ? '0' : '10', 'elk.layered.priority.direction': e.skip ? '0' : '10' },
      }),
    ),
  };
  const laid = await elk.layout(root);
  const nodes = new Map<string, NodeBox>();
  for (const child of laid.children ?? []) {
    nodes.set(child.id, { x: child.x ?? 0, y: child.y ?? 0, width: child.width ?? 0, height: child.height ?? 0 });
  }
  const edges = new Map<string, Point[]>();
  for (const edge of (laid.edges ?? []) as ElkExtendedEdge[]) {
    const points: Point[] = [];
    for (const section of edge.sections ?? []) {
      points.push(section.startPoint, ...(section.bendPoints ?? []), section.endPoint);
    }
    edges.set(edge.id, points);
  }
  return { key: graph.layoutKey, width: laid.width ?? 0, height: laid.height ?? 0, nodes, edges };
}
