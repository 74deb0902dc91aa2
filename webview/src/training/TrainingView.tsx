/**
 * The Training view: the runs of the file, the controls of the active run, its loss curves
 * and D outputs, its samples and latent walks; or several runs' curves overlaid.
 */
import { useMemo, useState } from 'react';
import type { WebviewToHost } from '../../../src/protocol';
import { formatValue } from '../format';
import { updatePersistedState, usePersistedState, type PersistedState } from '../state';
import { seriesPalette, useTheme } from '../theme';
import { postToHost } from '../vscodeApi';
import { LossChart, type ChartTable, type StepRange } from './LossChart';
import { RunControls } from './RunControls';
import { RunList } from './RunList';
import { SamplesPanel } from './SamplesPanel';
import { useTrainingSnapshot, type TrainingStore } from './trainingStore';

type Command = Extract<WebviewToHost, { type: 'command' }>['command'];

const selectSmoothing = (s: PersistedState) => s.smoothing;
const selectLogScale = (s: PersistedState) => s.logScale;
const selectStepRange = (s: PersistedState) => s.stepRange;
const selectCompared = (s: PersistedState) => s.comparedRunIds;

function hasValues(values: (number | null)[]): boolean {
  return values.some((v) => v !== null);
}

export function TrainingView({ store }: { store: TrainingStore }) {
  const snapshot = useTrainingSnapshot(store);
  const settings = {
    smoothing: usePersistedState(selectSmoothing),
    logScale: usePersistedState(selectLogScale),
    stepRange: usePersistedState(selectStepRange),
  };
  const compared = usePersistedState(selectCompared);
  const theme = useTheme();
  const [ticked, setTicked] = useState<string[]>(compared);
  const { runs, activeRunId, shown, compare, loadingRunId, walk } = snapshot;
  const activeRun = runs.find((r) => r.id === activeRunId);
  const onCommand = (command: Command) => postToHost({ type: 'command', command });
  const setStepRange = (range: StepRange | undefined) => updatePersistedState({ stepRange: range });

  const palette = seriesPalette(theme);
  const metrics = shown?.metrics;
  const version = shown?.metricsVersion ?? 0;
  const lossTables = useMemo((): ChartTable[] => {
    if (!metrics) return [];
    const series = [
      { label: 'D loss', color: theme.red, values: metrics.dLoss },
      { label: 'G loss', color: theme.blue, values: metrics.gLoss },
      // With no other generator term, gAdversarial is the G loss itself: drawing it would hide that line.
      ...[...metrics.parts]
        .filter(([name]) => name !== 'gAdversarial' || [...metrics.parts.keys()].some((k) => k.startsWith('g') && k !== 'gAdversarial'))
        .map(([name, values], i) => ({ label: name, color: palette[(2 + i) % palette.length], values, dash: i >= 4 ? [5, 3] : undefined })),
    ];
    return [{ steps: metrics.steps, series }];
  }, [metrics, version, theme]);
  const outputTables = useMemo((): ChartTable[] => {
    if (!metrics || !(hasValues(metrics.dOfReal) || hasValues(metrics.dOfFake))) return [];
    return [
      {
        steps: metrics.steps,
        series: [
          { label: 'D(x) real', color: theme.green, values: metrics.dOfReal },
          { label: 'D(G(z)) fake', color: theme.purple, values: metrics.dOfFake },
        ],
      },
    ];
  }, [metrics, version, theme]);
  const compareTables = useMemo((): ChartTable[] => {
    if (!compare) return [];
    return compare.map(({ run, metrics: m }, i) => ({
      steps: m.steps,
      series: [
        { label: `${i + 1}. ${run.name} D`, color: palette[i % palette.length], values: m.dLoss },
        { label: `${i + 1}. ${run.name} G`, color: palette[i % palette.length], values: m.gLoss, dash: [6, 4] },
      ],
    }));
  }, [compare, theme]);

  if (!snapshot.runsKnown && !shown) {
    return (
      <div className="empty-state" data-testid="training-loading">
        <p className="muted">Looking for runs of this file…</p>
      </div>
    );
  }
  if (runs.length === 0 && !shown) {
    return (
      <div className="empty-state" data-testid="training-empty">
        <h2>No training run yet</h2>
        <p>
          Train this file to watch its losses, samples and latent walks here. Runs are kept in the runs folder (<code>.gan-runs/</code>), so they can be reopened
          later.
        </p>
        <button type="button" onClick={() => onCommand('train')} data-command="train">
          ▶ Train
        </button>
      </div>
    );
  }

  const run = shown?.run;
  const lastSpeed = metrics?.imagesPerSecond;
  return (
    <div className="training">
      <div className="toolbar">
        <RunControls activeRun={activeRun} onCommand={onCommand} />
        <label className="smoothing">
          Smoothing
          <input
            type="range"
            min={0}
            max={0.999}
            step={0.001}
            value={settings.smoothing}
            onChange={(e) => updatePersistedState({ smoothing: Number(e.target.value), smoothingChosen: true })}
            data-testid="smoothing"
          />
          <output>{settings.smoothing.toFixed(3)}</output>
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={settings.logScale} onChange={(e) => updatePersistedState({ logScale: e.target.checked })} data-testid="log-scale" />
          log y
        </label>
        <button type="button" className="secondary" disabled={!settings.stepRange} onClick={() => setStepRange(undefined)} data-testid="reset-zoom">
          Reset zoom
        </button>
      </div>
      <div className="training-body">
        <RunList
          runs={runs}
          activeRunId={activeRunId}
          shownRunId={run?.id}
          loadingRunId={loadingRunId}
          ticked={ticked}
          onSelect={(id) => {
            setStepRange(undefined);
            store.selectRun(id);
          }}
          onTick={(id, on) => setTicked((t) => (on ? [...t.filter((x) => x !== id), id] : t.filter((x) => x !== id)))}
          onCompare={() => store.requestCompare(ticked)}
          comparing={compare !== undefined}
          onStopComparing={() => store.clearCompare()}
        />
        <div className="training-main">
          {compare ? (
            <section className="charts" aria-label="Compared runs">
              <LossChart
                title={`Losses of ${compare.length} runs (D solid, G dashed)`}
                testId="compare-chart"
                tables={compareTables}
                version={compareTables.length}
                smoothing={settings.smoothing}
                logScale={settings.logScale}
                stepRange={settings.stepRange}
                onStepRangeChange={setStepRange}
              />
            </section>
          ) : null}
          {run && metrics ? (
            <>
              <div className="run-summary" data-testid="run-summary">
                <strong>{run.name}</strong>
                <span className={`run-status status-${run.status}`}>{run.status}</span>
                <span>
                  step {run.step}/{run.totalSteps}
                </span>
                {run.backend && <span>backend {run.backend}</span>}
                {lastSpeed !== undefined && <span>{formatValue(lastSpeed)} images/s</span>}
                {run.checkpointStep !== undefined && <span>checkpoint at {run.checkpointStep}</span>}
                {run.message && <span className="run-message">{run.message}</span>}
              </div>
              <section className="charts" aria-label="Curves">
                <LossChart
                  title="Losses"
                  testId="loss-chart"
                  tables={lossTables}
                  version={version}
                  smoothing={settings.smoothing}
                  logScale={settings.logScale}
                  stepRange={settings.stepRange}
                  onStepRangeChange={setStepRange}
                />
                {outputTables.length > 0 && (
                  <LossChart
                    title="D(x) and D(G(z))"
                    testId="dout-chart"
                    tables={outputTables}
                    version={version}
                    smoothing={settings.smoothing}
                    yRange={[0, 1]}
                    stepRange={settings.stepRange}
                    onStepRangeChange={setStepRange}
                    height={160}
                  />
                )}
              </section>
              <SamplesPanel store={store} shown={shown} walk={walk} />
            </>
          ) : (
            <p className="muted">{loadingRunId ? 'Loading the run…' : 'Pick a run to see its curves and samples.'}</p>
          )}
        </div>
      </div>
    </div>
  );
}
