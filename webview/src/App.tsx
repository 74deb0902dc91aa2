/**
 * The GAN Studio panel: host messages in, user intents out, the two views as tabs. Both
 * views stay mounted (the inactive one hidden) so switching keeps charts and layouts, and
 * an export request works from either.
 */
import { useCallback, useMemo, useRef, useState } from 'react';
import type { HostToWebview, PanelView } from '../../src/protocol';
import { ArchitectureView, nextHighlightSerial, type DiagramState, type Highlight } from './architecture/ArchitectureView';
import { exportDiagramPng, exportDiagramSvg } from './architecture/exportDiagram';
import type { NetworkRole } from './architecture/graphModel';
import { getPersistedState, updatePersistedState, usePersistedState, type PersistedState } from './state';
import { Tabs } from './Tabs';
import { TrainingStore, useTrainingSnapshot } from './training/trainingStore';
import { TrainingView } from './training/TrainingView';
import { useHostMessages } from './useHostMessages';
import { postToHost } from './vscodeApi';

const selectView = (s: PersistedState) => s.view;

export function App() {
  const view = usePersistedState(selectView);
  const [diagram, setDiagram] = useState<DiagramState>();
  const [highlight, setHighlight] = useState<Highlight>();
  const [exportStatus, setExportStatus] = useState<string>();
  const store = useMemo(() => new TrainingStore(), []);
  const training = useTrainingSnapshot(store);
  const diagramRef = useRef(diagram);
  diagramRef.current = diagram;

  const exportDiagram = useCallback(async (format: 'svg' | 'png') => {
    const title = diagramRef.current?.model.title ?? 'GAN';
    try {
      const data = format === 'svg' ? exportDiagramSvg(title)?.svg : await exportDiagramPng(title);
      if (data === undefined) {
        setExportStatus('Nothing to export yet');
        return;
      }
      postToHost({ type: 'exported', format, data });
      setExportStatus(`Exported ${format.toUpperCase()}`);
    } catch (error) {
      setExportStatus(`Export failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }, []);

  const onMessage = (message: HostToWebview) => {
    switch (message.type) {
      case 'diagram':
        if (getPersistedState().documentUri !== message.model.uri) updatePersistedState({ documentUri: message.model.uri });
        setDiagram((previous) =>
          // A broken file may arrive without networks: keep drawing the last good ones, dimmed.
          message.stale && previous && message.model.networks.length === 0
            ? { model: previous.model, stale: true, banner: message.banner }
            : { model: message.model, stale: message.stale, banner: message.banner },
        );
        break;
      case 'highlight':
        setHighlight({ role: message.role, key: message.key, serial: nextHighlightSerial() });
        break;
      case 'show-view':
        updatePersistedState({ view: message.view });
        break;
      case 'export-request':
        void exportDiagram(message.format);
        break;
      case 'settings':
        if (!getPersistedState().smoothingChosen && getPersistedState().smoothing !== message.smoothing) updatePersistedState({ smoothing: message.smoothing });
        break;
      default:
        store.handle(message);
    }
  };
  useHostMessages(onMessage);

  const changeView = (next: PanelView) => {
    if (next === view) return;
    updatePersistedState({ view: next });
    postToHost({ type: 'view-changed', view: next });
  };
  const onReveal = useCallback((role: NetworkRole, key: string) => postToHost({ type: 'reveal-layer', role, key }), []);

  const problems = diagram ? diagram.model.errorCount + diagram.model.warningCount : 0;
  const activeRun = training.runs.find((r) => r.id === training.activeRunId);
  const badges = {
    architecture: problems > 0 ? <span className={`badge${diagram?.model.errorCount ? ' error' : ' warning'}`}>{problems}</span> : undefined,
    training: activeRun && (activeRun.status === 'running' || activeRun.status === 'starting') ? <span className="badge live" aria-label="training">●</span> : undefined,
  };

  return (
    <div className="app">
      <Tabs view={view} onChange={changeView} badges={badges} />
      <div id="view-architecture" role="tabpanel" aria-labelledby="tab-architecture" className="view" hidden={view !== 'architecture'}>
        <ArchitectureView diagram={diagram} highlight={highlight} onReveal={onReveal} onExport={(format) => void exportDiagram(format)} exportStatus={exportStatus} />
      </div>
      <div id="view-training" role="tabpanel" aria-labelledby="tab-training" className="view" hidden={view !== 'training'}>
        <TrainingView store={store} />
      </div>
    </div>
  );
}
