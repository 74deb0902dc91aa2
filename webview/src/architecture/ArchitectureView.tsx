/**
 * The Architecture view: both networks drawn side by side (stacked when narrow), with the
 * file's problems, the broken-file banner and the export buttons.
 */
import { useCallback, useMemo, useState } from 'react';
import type { DiagramModel, DiagramNetwork } from '../../../src/protocol';
import { formatCount, formatShape } from '../format';
import { viewportKey } from '../state';
import { useTheme } from '../theme';
import { GraphCanvas } from './GraphCanvas';
import { toDrawGraph, type DrawNode, type NetworkRole } from './graphModel';
import { ProblemList } from './ProblemList';

export interface DiagramState {
  model: DiagramModel;
  stale: boolean;
  banner?: string;
}

/** The one highlighted node; `key` undefined clears it. The newest `serial` wins. */
export interface Highlight {
  role: NetworkRole;
  key: string | undefined;
  serial: number;
}

let serial = 0;
/** Orders highlights from the host and from clicks here in one sequence. */
export function nextHighlightSerial(): number {
  return ++serial;
}

interface Props {
  diagram?: DiagramState;
  highlight?: Highlight;
  onReveal(role: NetworkRole, key: string): void;
  onExport(format: 'svg' | 'png'): void;
  exportStatus?: string;
}

function NetworkHeader({ network }: { network: DiagramNetwork }) {
  const name = network.role === 'generator' ? 'Generator' : 'Discriminator';
  return (
    <>
      <h2>{name}</h2>
      <span className="network-totals" data-testid={`${network.role}-totals`}>
        <span title="Trainable parameters">{formatCount(network.trainableParams)} trainable</span>
        <span title="Non-trainable parameters (e.g. batch-norm statistics)">{formatCount(network.nonTrainableParams)} non-trainable</span>
        <span title="Output shape" className={network.outputShape ? 'network-output' : 'network-output unknown'}>
          → {formatShape(network.outputShape)}
        </span>
        {!network.complete && <span className="network-incomplete">incomplete</span>}
      </span>
    </>
  );
}

export function ArchitectureView({ diagram, highlight, onReveal, onExport, exportStatus }: Props) {
  const theme = useTheme();
  const model = diagram?.model;
  const { fontFamily, monoFontFamily } = theme;
  const graphs = useMemo(
    () => (model ? model.networks.map((network) => toDrawGraph(model, network, { ui: fontFamily, mono: monoFontFamily })) : []),
    [model, fontFamily, monoFontFamily],
  );
  const [localHighlight, setLocalHighlight] = useState<Highlight>();
  // The host's highlight (the cursor in the editor) and a click here show the same way; the newest wins.
  const latest = [highlight, localHighlight].filter((h): h is Highlight => h !== undefined).sort((a, b) => b.serial - a.serial)[0];

  const activate = useCallback(
    (role: NetworkRole, key: string, reveal: boolean) => {
      setLocalHighlight({ role, key, serial: nextHighlightSerial() });
      if (reveal) onReveal(role, key);
    },
    [onReveal],
  );
  const activators = useMemo(
    () => ({
      generator: (node: DrawNode) => node.key !== undefined && activate('generator', node.key, node.revealable),
      discriminator: (node: DrawNode) => node.key !== undefined && activate('discriminator', node.key, node.revealable),
    }),
    [activate],
  );
  const showProblemNode = (role: NetworkRole, key: string) => {
    const node = model?.networks.find((n) => n.role === role)?.nodes.find((n) => n.key === key);
    activate(role, key, node?.kind === 'layer');
  };

  if (!diagram || !model) {
    return (
      <div className="empty-state" data-testid="architecture-empty">
        <h2>No diagram yet</h2>
        <p>Open a <code>.gan.json</code> file in the editor: its generator and discriminator are drawn here, layer by layer, as you type.</p>
      </div>
    );
  }

  return (
    <div className={`architecture${diagram.stale ? ' stale' : ''}`}>
      <div className="toolbar">
        <div className="toolbar-title">
          <strong>{model.title}</strong>
          <span className="muted">{model.fileName}</span>
          {model.lossSummary && <span className="muted">loss: {model.lossSummary}</span>}
        </div>
        <div className="legend" aria-label="Legend">
          <span className="legend-item">
            <svg width="28" height="10" aria-hidden="true">
              <line className="graph-edge" x1="0" y1="5" x2="28" y2="5" />
            </svg>
            next layer
          </span>
          <span className="legend-item">
            <svg width="28" height="10" aria-hidden="true">
              <line className="graph-edge skip" x1="0" y1="5" x2="28" y2="5" />
            </svg>
            named input (skip)
          </span>
        </div>
        <div className="toolbar-actions">
          {exportStatus && <span className="muted" role="status">{exportStatus}</span>}
          <button type="button" className="secondary" onClick={() => onExport('svg')} data-testid="export-svg">
            Export SVG
          </button>
          <button type="button" className="secondary" onClick={() => onExport('png')} data-testid="export-png">
            Export PNG
          </button>
        </div>
      </div>
      {diagram.stale && (
        <div className="banner" role="alert" data-testid="stale-banner">
          <strong>Showing the last good diagram.</strong> {diagram.banner ?? 'The file cannot be read as it is.'}
        </div>
      )}
      <ProblemList model={model} onShow={showProblemNode} />
      <div className="graphs">
        {graphs.map((graph) => {
          const network = model.networks.find((n) => n.role === graph.role)!;
          return (
            <GraphCanvas
              key={graph.role}
              graph={graph}
              viewportKey={viewportKey(model.uri, graph.role)}
              header={<NetworkHeader network={network} />}
              highlight={latest?.role === graph.role && latest.key !== undefined ? { key: latest.key, serial: latest.serial } : undefined}
              onActivate={activators[graph.role]}
            />
          );
        })}
        {graphs.length === 0 && <div className="empty-state">This file has no generator or discriminator yet.</div>}
      </div>
    </div>
  );
}
