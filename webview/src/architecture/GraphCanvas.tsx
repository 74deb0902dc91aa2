/**
 * One network drawn as an SVG graph that zooms (wheel, pinch, buttons, keys) and pans
 * (drag, arrow keys). Its zoom and pan are kept per file and network in the persisted state,
 * so updates, hiding the panel and reloads leave the view where the person put it.
 */
import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import { updatePersistedState, usePersistedState, type Viewport } from '../state';
import { EdgeMarkers, GraphEdges } from './GraphEdges';
import type { DrawGraph, DrawNode } from './graphModel';
import { LayerNode } from './LayerNode';
import { useGraphLayout } from './useGraphLayout';
import { centreOn, fitAll, initialViewport, isBoxVisible, zoomAt, type Size } from './viewport';

interface Props {
  graph: DrawGraph;
  /** Where this canvas' zoom and pan are kept (`viewportKey(uri, role)`). */
  viewportKey: string;
  header: ReactNode;
  /** `serial` changes on every highlight request, so asking again scrolls again. */
  highlight?: { key: string; serial: number };
  onActivate(node: DrawNode): void;
}

const DRAG_THRESHOLD = 4;
const KEY_PAN = 60;

function setViewport(key: string, viewport: Viewport): void {
  updatePersistedState((s) => {
    // Re-insert so the most recently used files are the ones kept.
    const { [key]: _old, ...rest } = s.viewports;
    return { viewports: { ...rest, [key]: viewport } };
  });
}

export function GraphCanvas({ graph, viewportKey, header, highlight, onActivate }: Props) {
  const { shown, pending, error } = useGraphLayout(graph);
  const selectViewport = useCallback((s: { viewports: Record<string, Viewport> }) => s.viewports[viewportKey], [viewportKey]);
  const viewport = usePersistedState(selectViewport);
  const surface = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState<Size>({ width: 0, height: 0 });
  const viewportRef = useRef(viewport);
  viewportRef.current = viewport;

  // The canvas' size (zero while its view is hidden).
  useEffect(() => {
    const element = surface.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setSize({ width: element.clientWidth, height: element.clientHeight }));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const layout = shown?.layout;
  const ready = layout !== undefined && size.width > 0 && size.height > 0;

  // The first view of a graph never seen before.
  useEffect(() => {
    if (ready && !viewport) setViewport(viewportKey, initialViewport(layout, size));
  }, [ready, viewport, viewportKey, layout, size]);

  // Bring a highlighted node into view when it is not.
  useEffect(() => {
    if (!highlight || !ready || !layout) return;
    const box = layout.nodes.get(`n:${highlight.key}`);
    const current = viewportRef.current;
    if (box && current && !isBoxVisible(box, current, size)) setViewport(viewportKey, centreOn(box, current, size));
    // Only a new request or a new layout moves the view; later pans are the person's.
  }, [highlight?.serial, layout, ready]);

  // Wheel and pinch (a wheel with ctrlKey) zoom about the pointer; React's wheel listener is passive.
  useEffect(() => {
    const element = surface.current;
    if (!element) return;
    const onWheel = (event: WheelEvent) => {
      const current = viewportRef.current;
      if (!current) return;
      event.preventDefault();
      const rect = element.getBoundingClientRect();
      const delta = event.deltaMode === WheelEvent.DOM_DELTA_LINE ? event.deltaY * 16 : event.deltaY;
      const factor = Math.exp(-delta * (event.ctrlKey ? 0.01 : 0.0015));
      setViewport(viewportKey, zoomAt(current, factor, event.clientX - rect.left, event.clientY - rect.top));
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => element.removeEventListener('wheel', onWheel);
  }, [viewportKey]);

  const drag = useRef<{ pointerId: number; startX: number; startY: number; origin: Viewport; moved: boolean }>(undefined);
  const suppressClick = useRef(false);
  const [panning, setPanning] = useState(false);

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    suppressClick.current = false;
    if ((event.button !== 0 && event.button !== 1) || !viewport) return;
    drag.current = { pointerId: event.pointerId, startX: event.clientX, startY: event.clientY, origin: viewport, moved: false };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d || d.pointerId !== event.pointerId) return;
    const dx = event.clientX - d.startX;
    const dy = event.clientY - d.startY;
    if (!d.moved) {
      if (Math.hypot(dx, dy) < DRAG_THRESHOLD) return;
      d.moved = true;
      setPanning(true);
      event.currentTarget.setPointerCapture(event.pointerId);
    }
    setViewport(viewportKey, { ...d.origin, x: d.origin.x + dx, y: d.origin.y + dy });
  };
  const endDrag = (event: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d || d.pointerId !== event.pointerId) return;
    // A drag that ends on a node is a pan, not a click on it.
    suppressClick.current = d.moved;
    drag.current = undefined;
    setPanning(false);
  };

  const zoomBy = (factor: number) => {
    if (viewport) setViewport(viewportKey, zoomAt(viewport, factor, size.width / 2, size.height / 2));
  };
  const fit = () => {
    if (layout) setViewport(viewportKey, fitAll(layout, size));
  };
  const actualSize = () => {
    if (viewport) setViewport(viewportKey, zoomAt(viewport, 1 / viewport.scale, size.width / 2, size.height / 2));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (!viewport) return;
    const pan = (dx: number, dy: number) => setViewport(viewportKey, { ...viewport, x: viewport.x + dx, y: viewport.y + dy });
    switch (event.key) {
      case 'ArrowLeft':
        pan(KEY_PAN, 0);
        break;
      case 'ArrowRight':
        pan(-KEY_PAN, 0);
        break;
      case 'ArrowUp':
        pan(0, KEY_PAN);
        break;
      case 'ArrowDown':
        pan(0, -KEY_PAN);
        break;
      case '+':
      case '=':
        zoomBy(1.25);
        break;
      case '-':
        zoomBy(0.8);
        break;
      case '0':
        fit();
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  const drawn = shown?.graph;
  const highlightedKey = highlight?.key;
  const markerPrefix = `marker-${graph.role}`;
  const lowDetail = viewport !== undefined && viewport.scale < 0.3;

  return (
    <section className="graph-panel" data-role={graph.role}>
      <header className="graph-header">{header}</header>
      <div
        ref={surface}
        className={`graph-surface${panning ? ' panning' : ''}${lowDetail ? ' low-detail' : ''}`}
        tabIndex={0}
        aria-label={`${graph.role} graph: drag to pan, wheel or + and - to zoom, 0 to fit`}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={endDrag}
        onPointerCancel={endDrag}
        onClickCapture={(event) => {
          if (suppressClick.current) {
            event.stopPropagation();
            suppressClick.current = false;
          }
        }}
        onKeyDown={onKeyDown}
      >
        <svg className="graph-svg" width={size.width} height={size.height} data-scale={viewport?.scale.toFixed(4)}>
          {drawn && layout && viewport && (
            <g className="graph-viewport" transform={`translate(${viewport.x} ${viewport.y}) scale(${viewport.scale})`}>
              <g className="graph-content" data-export-graph={graph.role} data-width={layout.width} data-height={layout.height}>
                <EdgeMarkers prefix={markerPrefix} />
                <GraphEdges edges={drawn.edges} layout={layout} markerPrefix={markerPrefix} />
                <g className="graph-nodes">
                  {drawn.nodes.map((node) => {
                    const box = layout.nodes.get(node.id);
                    return box ? (
                      <LayerNode key={node.id} node={node} box={box} role={graph.role} highlighted={node.key !== undefined && node.key === highlightedKey} onActivate={onActivate} />
                    ) : null;
                  })}
                </g>
              </g>
            </g>
          )}
        </svg>
        {!layout && !error && <div className="graph-message">Laying out…</div>}
        {error && <div className="graph-message error">Could not lay out this graph: {error}</div>}
        {pending && layout && <div className="graph-pending" aria-hidden="true" />}
      </div>
      <div className="graph-zoom" role="toolbar" aria-label={`${graph.role} zoom`}>
        <button type="button" className="icon-button" title="Zoom in (+)" aria-label="Zoom in" onClick={() => zoomBy(1.25)}>
          +
        </button>
        <button type="button" className="icon-button" title="Zoom out (-)" aria-label="Zoom out" onClick={() => zoomBy(0.8)}>
          −
        </button>
        <button type="button" className="icon-button" title="Fit to view (0)" aria-label="Fit to view" onClick={fit}>
          ⤢
        </button>
        <button type="button" className="icon-button" title="Actual size" aria-label="Actual size" onClick={actualSize}>
          1:1
        </button>
        <span className="graph-zoom-level" aria-live="off">
          {viewport ? `${Math.round(viewport.scale * 100)}%` : ''}
        </span>
      </div>
    </section>
  );
}
