/** The connections of one graph; skip connections (named inputs) drawn apart, on top. */
import { memo } from 'react';
import type { DrawEdge } from './graphModel';
import type { GraphLayout, Point } from './layout';

function pathOf(points: Point[]): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(' ');
}

interface Props {
  edges: DrawEdge[];
  layout: GraphLayout;
  markerPrefix: string;
}

export const GraphEdges = memo(function GraphEdges({ edges, layout, markerPrefix }: Props) {
  const ordered = [...edges.filter((e) => !e.skip), ...edges.filter((e) => e.skip)];
  return (
    <g className="graph-edges">
      {ordered.map((edge) => {
        const points = layout.edges.get(edge.id);
        if (!points || points.length < 2) return null;
        return (
          <path
            key={edge.id}
            className={edge.skip ? 'graph-edge skip' : 'graph-edge'}
            d={pathOf(points)}
            markerEnd={`url(#${markerPrefix}-${edge.skip ? 'skip' : 'arrow'})`}
            data-from={edge.from}
            data-to={edge.to}
          />
        );
      })}
    </g>
  );
});

export function EdgeMarkers({ prefix }: { prefix: string }) {
  return (
    <defs>
      <marker id={`${prefix}-arrow`} className="edge-marker" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
        <path d="M0 0 L10 5 L0 10 z" />
      </marker>
      <marker id={`${prefix}-skip`} className="edge-marker skip" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
        <path d="M0 0 L10 5 L0 10 z" />
      </marker>
    </defs>
  );
}
