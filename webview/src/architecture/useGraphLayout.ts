import { useEffect, useState } from 'react';
import type { DrawGraph } from './graphModel';
import { layoutGraph, type GraphLayout } from './layout';

export interface LaidOutGraph {
  graph: DrawGraph;
  layout: GraphLayout;
}

/**
 * The newest layout of a graph. While a new one is computed the previous graph stays drawn
 * (no flash while typing); an update that changes no size or edge reuses the positions and
 * shows the new node contents (problems, counts) at once.
 */
export function useGraphLayout(graph: DrawGraph): { shown?: LaidOutGraph; pending: boolean; error?: string } {
  const [laid, setLaid] = useState<LaidOutGraph>();
  const [error, setError] = useState<string>();
  const upToDate = laid !== undefined && laid.layout.key === graph.layoutKey;

  useEffect(() => {
    if (upToDate) return;
    let cancelled = false;
    layoutGraph(graph).then(
      (layout) => {
        if (cancelled) return;
        setLaid({ graph, layout });
        setError(undefined);
      },
      (reason: unknown) => {
        if (!cancelled) setError(reason instanceof Error ? reason.message : String(reason));
      },
    );
    return () => {
      cancelled = true;
    };
    // The key says everything the layout depends on.
  }, [graph.layoutKey, upToDate]);

  const shown = laid && upToDate ? { graph, layout: laid.layout } : laid;
  return { shown, pending: !upToDate, error };
}
