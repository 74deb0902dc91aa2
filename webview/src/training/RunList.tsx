/** The runs of the current file: pick one to view, tick several to overlay their curves. */
import type { RunInfo, RunStatus } from '../../../src/protocol';
import { formatDateTime } from '../format';

interface Props {
  runs: RunInfo[];
  activeRunId?: string;
  shownRunId?: string;
  loadingRunId?: string;
  ticked: string[];
  onSelect(runId: string): void;
  onTick(runId: string, ticked: boolean): void;
  onCompare(): void;
  comparing: boolean;
  onStopComparing(): void;
}

const STATUS_ICON: Record<RunStatus, string> = {
  starting: '◌',
  running: '▶',
  paused: '❚❚',
  completed: '✓',
  stopped: '■',
  failed: '✕',
};

export function RunList({ runs, activeRunId, shownRunId, loadingRunId, ticked, onSelect, onTick, onCompare, comparing, onStopComparing }: Props) {
  return (
    <section className="run-list" aria-label="Runs">
      <header className="section-head">
        <h3>Runs</h3>
        {comparing ? (
          <button type="button" className="secondary" onClick={onStopComparing} data-testid="stop-compare">
            Stop comparing
          </button>
        ) : (
          <button type="button" className="secondary" disabled={ticked.length < 2} onClick={onCompare} data-testid="compare" title="Tick two or more runs to overlay their curves">
            Compare{ticked.length >= 2 ? ` (${ticked.length})` : ''}
          </button>
        )}
      </header>
      <ul>
        {runs.map((run) => {
          const selected = run.id === shownRunId;
          return (
            <li key={run.id} className={`run-item${selected ? ' selected' : ''}${run.id === activeRunId ? ' active' : ''}`} data-run-id={run.id}>
              <input type="checkbox" aria-label={`Compare ${run.name}`} checked={ticked.includes(run.id)} onChange={(e) => onTick(run.id, e.target.checked)} />
              <button type="button" className="run-select" aria-pressed={selected} onClick={() => onSelect(run.id)}>
                <span className="run-name">
                  <span className={`run-status status-${run.status}`} title={run.status} aria-label={run.status}>
                    {STATUS_ICON[run.status]}
                  </span>
                  {run.name}
                  {run.id === loadingRunId && <span className="muted"> loading…</span>}
                </span>
                <span className="run-meta">
                  <span>
                    {run.step}/{run.totalSteps}
                  </span>
                  {run.backend && <span>{run.backend}</span>}
                  <span>{formatDateTime(run.startedAt)}</span>
                </span>
                <progress max={Math.max(1, run.totalSteps)} value={Math.min(run.step, run.totalSteps)} aria-label={`${run.name} progress`} />
                {run.message && <span className="run-message">{run.message}</span>}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
