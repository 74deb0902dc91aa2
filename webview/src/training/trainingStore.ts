/**
 * Everything the Training view shows, fed by host messages. Messages may arrive far faster
 * than frames (metrics every few steps): they change the store at once but the view hears
 * of it at most once per animation frame, so intermediate frames are dropped, never queued.
 */
import { useSyncExternalStore } from 'react';
import type { HostToWebview, MetricPoint, RunInfo, SampleRecord } from '../../../src/protocol';
import { getPersistedState, updatePersistedState } from '../state';
import { postToHost } from '../vscodeApi';
import { appendMetrics, columnsOf, emptyColumns, type MetricColumns } from './metricColumns';

export type SampleWithUri = SampleRecord & { uri: string };

export interface ShownRun {
  run: RunInfo;
  metrics: MetricColumns;
  /** Bumped whenever `metrics` grows (its arrays change in place). */
  metricsVersion: number;
  /** In step order. */
  samples: SampleWithUri[];
}

export interface ComparedRun {
  run: RunInfo;
  metrics: MetricColumns;
}

export interface WalkState {
  runId: string;
  pending: boolean;
  uri?: string;
  frames?: number;
  requestId?: string;
}

export interface TrainingSnapshot {
  /** Newest first. */
  runs: RunInfo[];
  /** The run the host is training now, if any. */
  activeRunId?: string;
  /** Whether the host has said which runs exist (until then: "loading", not "no runs"). */
  runsKnown: boolean;
  shown?: ShownRun;
  /** A run asked for with `select-run` whose history has not arrived yet. */
  loadingRunId?: string;
  compare?: ComparedRun[];
  walk?: WalkState;
}

type TrainingMessage = Extract<HostToWebview, { type: 'runs' | 'run-history' | 'run-update' | 'walk-result' | 'compare' }>;

function newestFirst(runs: RunInfo[]): RunInfo[] {
  return [...runs].sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
}

function mergeSamples(samples: SampleWithUri[], added: SampleWithUri[]): SampleWithUri[] {
  const byKey = new Map(samples.map((s) => [`${s.step}|${s.file}`, s]));
  for (const sample of added) byKey.set(`${sample.step}|${sample.file}`, sample);
  return [...byKey.values()].sort((a, b) => a.step - b.step);
}

/** Streaming redraws are spaced at least this far apart. */
const MIN_RENDER_INTERVAL_MS = 250;

export class TrainingStore {
  private state: TrainingSnapshot = { runs: [], runsKnown: false };
  private snapshot: TrainingSnapshot = this.state;
  private listeners = new Set<() => void>();
  private frame: number | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastRender = -Infinity;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): TrainingSnapshot => this.snapshot;

  /**
   * Renders at most every MIN_RENDER_INTERVAL_MS, on an animation frame: messages that arrive
   * in between only update the state, so a fast run costs the panel a few redraws a second
   * however often the trainer reports (it shares the CPU with training).
   */
  private changed(): void {
    if (this.frame !== undefined || this.timer !== undefined) return;
    const render = () => {
      this.frame = requestAnimationFrame(() => {
        this.frame = undefined;
        this.lastRender = performance.now();
        this.snapshot = { ...this.state };
        this.listeners.forEach((listener) => listener());
      });
    };
    const wait = this.lastRender + MIN_RENDER_INTERVAL_MS - performance.now();
    if (wait <= 0) render();
    else
      this.timer = setTimeout(() => {
        this.timer = undefined;
        render();
      }, wait);
  }

  handle(message: TrainingMessage): void {
    switch (message.type) {
      case 'runs':
        this.onRuns(message.runs, message.activeRunId);
        break;
      case 'run-history':
        this.onHistory(message.run, message.metrics, message.samples);
        break;
      case 'run-update':
        this.onUpdate(message);
        break;
      case 'walk-result':
        this.state.walk = { runId: message.runId, pending: false, uri: message.uri, frames: message.frames, requestId: message.requestId };
        break;
      case 'compare':
        this.state.compare = message.runs.map((r) => ({ run: r.run, metrics: columnsOf(r.metrics) }));
        break;
    }
    this.changed();
  }

  private onRuns(runs: RunInfo[], activeRunId: string | undefined): void {
    const previousActive = this.state.activeRunId;
    const firstList = !this.state.runsKnown;
    this.state.runs = newestFirst(runs);
    this.state.activeRunId = activeRunId;
    this.state.runsKnown = true;
    const shown = this.state.shown;
    if (shown) {
      const fresh = runs.find((r) => r.id === shown.run.id);
      if (fresh) this.state.shown = { ...shown, run: fresh };
    }
    const has = (id: string | undefined) => id !== undefined && runs.some((r) => r.id === id);
    let wanted: string | undefined;
    if (!firstList && activeRunId && activeRunId !== previousActive) {
      wanted = activeRunId; // a run just started: show it
    } else if (!this.state.shown && !this.state.loadingRunId) {
      const remembered = getPersistedState().selectedRunId;
      wanted = has(remembered) ? remembered : activeRunId ?? this.state.runs[0]?.id;
    }
    if (wanted && wanted !== this.state.shown?.run.id && wanted !== this.state.loadingRunId) this.selectRun(wanted);
    // After a reload, bring back the comparison the person had open.
    const compared = getPersistedState().comparedRunIds;
    if (firstList && compared.length >= 2 && compared.every(has)) this.requestCompare(compared);
  }

  private onHistory(run: RunInfo, metrics: MetricPoint[], samples: SampleWithUri[]): void {
    // An answer to an earlier selection than the latest is out of date.
    if (this.state.loadingRunId !== undefined && this.state.loadingRunId !== run.id) return;
    this.state.loadingRunId = undefined;
    this.state.shown = {
      run,
      metrics: columnsOf(metrics),
      metricsVersion: (this.state.shown?.metricsVersion ?? 0) + 1,
      samples: mergeSamples([], samples),
    };
    if (this.state.walk && this.state.walk.runId !== run.id) this.state.walk = undefined;
  }

  private onUpdate(message: Extract<HostToWebview, { type: 'run-update' }>): void {
    if (message.run) {
      const info = message.run;
      const index = this.state.runs.findIndex((r) => r.id === info.id);
      this.state.runs = index >= 0 ? this.state.runs.map((r, i) => (i === index ? info : r)) : newestFirst([...this.state.runs, info]);
    }
    let shown = this.state.shown;
    if (!shown && !this.state.loadingRunId && message.runId === this.state.activeRunId) {
      // Training started before any history was asked for: begin an empty one.
      const run = message.run ?? this.state.runs.find((r) => r.id === message.runId);
      if (run) shown = { run, metrics: emptyColumns(), metricsVersion: 0, samples: [] };
    }
    if (!shown || shown.run.id !== message.runId) return;
    const next: ShownRun = { ...shown };
    if (message.run) next.run = message.run;
    if (message.metrics?.length) {
      next.metrics = appendMetrics(shown.metrics, message.metrics);
      next.metricsVersion = shown.metricsVersion + 1;
    }
    if (message.samples?.length) next.samples = mergeSamples(shown.samples, message.samples);
    this.state.shown = next;
  }

  selectRun(runId: string): void {
    this.state.loadingRunId = runId;
    updatePersistedState({ selectedRunId: runId });
    postToHost({ type: 'select-run', runId });
    this.changed();
  }

  requestWalk(runId: string, from: number, to: number, frames: number): void {
    this.state.walk = { runId, pending: true };
    postToHost({ type: 'walk', runId, from, to, frames });
    this.changed();
  }

  requestCompare(runIds: string[]): void {
    updatePersistedState({ comparedRunIds: runIds });
    postToHost({ type: 'compare', runIds });
  }

  clearCompare(): void {
    this.state.compare = undefined;
    updatePersistedState({ comparedRunIds: [] });
    this.changed();
  }
}

export function useTrainingSnapshot(store: TrainingStore): TrainingSnapshot {
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
