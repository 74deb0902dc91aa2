/**
 * The one door to the extension host. In VS Code `acquireVsCodeApi()` exists (and may be
 * called only once); in the browser test harness a shim with the same shape is put on
 * `window.ganStudioHostShim`; opened on its own, the bundle falls back to memory so it
 * still renders.
 */
import type { HostToWebview, WebviewToHost } from '../../src/protocol';

export interface VsCodeApi<State> {
  postMessage(message: WebviewToHost): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare global {
  interface Window {
    acquireVsCodeApi?: <S>() => VsCodeApi<S>;
    ganStudioHostShim?: VsCodeApi<unknown>;
  }
}

let api: VsCodeApi<unknown> | undefined;

function memoryApi(): VsCodeApi<unknown> {
  let state: unknown;
  return {
    postMessage: (message) => console.info('[gan-studio → host]', message),
    getState: () => state,
    setState: (next) => {
      state = next;
    },
  };
}

export function vscodeApi<State>(): VsCodeApi<State> {
  if (!api) {
    if (typeof window.acquireVsCodeApi === 'function') api = window.acquireVsCodeApi();
    else api = window.ganStudioHostShim ?? memoryApi();
  }
  return api as VsCodeApi<State>;
}

export function postToHost(message: WebviewToHost): void {
  vscodeApi().postMessage(message);
}

const HOST_MESSAGE_TYPES = new Set<HostToWebview['type']>([
  'diagram',
  'highlight',
  'show-view',
  'runs',
  'run-history',
  'run-update',
  'walk-result',
  'compare',
  'export-request',
  'settings',
]);

/** Messages come from the host frame, but anything can post to a window: check the shape. */
export function asHostMessage(data: unknown): HostToWebview | undefined {
  if (data === null || typeof data !== 'object') return undefined;
  const type = (data as { type?: unknown }).type;
  return typeof type === 'string' && HOST_MESSAGE_TYPES.has(type as HostToWebview['type']) ? (data as HostToWebview) : undefined;
}
