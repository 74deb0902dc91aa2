/** One node of a network graph: what the layer is, its output shape, its parameters, its problems. */
import { memo, type KeyboardEvent } from 'react';
import type { DrawNode } from './graphModel';
import { LINE } from './graphModel';
import type { NodeBox } from './layout';

interface Props {
  node: DrawNode;
  box: NodeBox;
  role: string;
  highlighted: boolean;
  onActivate(node: DrawNode): void;
}

function tooltip(node: DrawNode): string {
  const lines = [node.title, `output ${node.shapeText}`];
  if (node.paramsText) lines.push(node.paramsText);
  for (const p of node.problems) lines.push(`${p.severity === 'error' ? 'Error' : p.severity === 'warning' ? 'Warning' : 'Info'}: ${p.message}`);
  if (node.revealable) lines.push('Click to show it in the editor');
  return lines.join('\n');
}

export const LayerNode = memo(function LayerNode({ node, box, role, highlighted, onActivate }: Props) {
  const classes = ['graph-node', `kind-${node.kind}`, `cat-${node.category}`];
  if (node.severity) classes.push(`has-${node.severity}`);
  if (node.isOutput) classes.push('is-output');
  if (highlighted) classes.push('highlighted');
  if (node.revealable) classes.push('revealable');
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onActivate(node);
    }
  };
  const padX = 12 + 5;
  return (
    <g
      className={classes.join(' ')}
      transform={`translate(${box.x} ${box.y})`}
      data-key={node.key}
      data-node-id={node.id}
      data-role={role}
      role="button"
      tabIndex={0}
      aria-label={`${node.title}, output ${node.shapeText}${node.paramsText ? ', ' + node.paramsText : ''}${node.problems.length ? `, ${node.problems.length} problem(s)` : ''}`}
      onClick={() => onActivate(node)}
      onKeyDown={onKeyDown}
    >
      <title>{tooltip(node)}</title>
      <rect className="node-box" width={box.width} height={box.height} rx={node.kind === 'layer' ? 4 : 12} />
      <rect className="node-bar" width={5} height={box.height} rx={2} />
      <text className="node-title" x={padX} y={LINE.first}>
        {node.title}
      </text>
      {node.tag && (
        <text className="node-tag" x={box.width - 10} y={LINE.first} textAnchor="end">
          {node.tag}
        </text>
      )}
      <text className={node.shapeKnown ? 'node-shape' : 'node-shape unknown'} x={padX} y={LINE.second}>
        {node.shapeText}
      </text>
      {node.paramsText !== undefined && (
        <text className="node-params" x={padX} y={LINE.third}>
          {node.paramsText}
        </text>
      )}
      {node.severity && (
        <g className="node-badge" transform={`translate(${box.width} 0)`}>
          <circle r={8} />
          <text textAnchor="middle" y={4}>
            {node.severity === 'error' ? '!' : '?'}
          </text>
        </g>
      )}
    </g>
  );
});
