/**
 * What the panel remembers through being hidden and a window reload (VS Code keeps it
 * with getState/setState). Small on purpose: the host re-sends the diagram and the run
 * history on `ready`, so only the person's view choices live here.
 */
import { useCallback, useSyncExternalStore } from 'react';
import type { PanelView } from '../../src/protocol';
import { vscodeApi } from './vscodeApi';

/** Zoom and pan of one network's canvas: screen = world × scale + (x, y). */
export interface Viewport {
  x: number;
  y: number;
  scale: number;
}

export interface PersistedState {
  version: 1;
  view: PanelView;
  /** The .gan.json the panel shows; the host's serializer reopens it after a reload. */
  documentUri?: string;
  /** Keyed by `viewportKey(uri, role)`; the newest few files are kept. */
  viewports: Record<string, Viewport>;
  /** TensorBoard's smoothing weight, 0 … 0.999. */
  smoothing: number;
  /** Set once the person moves the slider; until then the `ganStudio.smoothing` setting wins. */
  smoothingChosen?: boolean;
  logScale: boolean;
  selectedRunId?: string;
  comparedRunIds: string[];
  /** The sample step the scrubber shows; absent means "follow the latest". */
  sampleStep?: { runId: string; step: number };
  /** Steps the loss charts are zoomed to; absent means all. */
  stepRange?: { min: number; max: number };
}

const MAX_VIEWPORTS = 24;

export const DEFAULT_STATE: PersistedState = {
  version: 1,
  view: 'architecture',
  viewports: {},
  smoothing: 0.6,
  logScale: false,
  comparedRunIds: [],
};

export function viewportKey(uri: string, role: string): string {
  return `${uri}#${role}`;
}

function restore(): PersistedState {
  const saved = vscodeApi<Partial<PersistedState>>().getState();
  if (!saved || typeof saved !== 'object' || saved.version !== 1) return DEFAULT_STATE;
  return {
    ...DEFAULT_STATE,
    ...saved,
    viewports: { ...(saved.viewports ?? {}) },
    comparedRunIds: Array.isArray(saved.comparedRunIds) ? saved.comparedRunIds : [],
  };
}

let current: PersistedState | undefined;
const listeners = new Set<() => void>();
let saveTimer: ReturnType<typeof setTimeout> | undefined;

export function getPersistedState(): PersistedState {
  current ??= restore();
  return current;
}

/** Updates the state now for the UI and saves it to VS Code shortly after (pans arrive at pointer rate). */
export function updatePersistedState(change: Partial<PersistedState> | ((state: PersistedState) => Partial<PersistedState>)): void {
  const state = getPersistedState();
  const patch = typeof change === 'function' ? change(state) : change;
  let next = { ...state, ...patch };
  const keys = Object.keys(next.viewports);
  if (keys.length > MAX_VIEWPORTS) {
    const viewports = { ...next.viewports };
    for (const key of keys.slice(0, keys.length - MAX_VIEWPORTS)) delete viewports[key];
    next = { ...next, viewports };
  }
  current = next;
  listeners.forEach((listener) => listener());
  if (saveTimer === undefined) {
    saveTimer = setTimeout(flushPersistedState, 150);
  }
}

export function flushPersistedState(): void {
  if (saveTimer !== undefined) clearTimeout(saveTimer);
  saveTimer = undefined;
  if (current) vscodeApi<PersistedState>().setState(current);
}

// A reload or close must not lose the last pan.
window.addEventListener('pagehide', flushPersistedState);

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function usePersistedState<T>(select: (state: PersistedState) => T): T {
  const getSnapshot = useCallback(() => select(getPersistedState()), [select]);
  return useSyncExternalStore(subscribe, getSnapshot);
}
