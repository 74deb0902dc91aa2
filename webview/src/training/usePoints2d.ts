/** Loads a 2-D sample file (`Points2dSample` JSON); each URI once. Needs `connect-src` for the run folder. */
import { useEffect, useState } from 'react';
import type { Points2dSample } from '../../../src/protocol';

const cache = new Map<string, Promise<Points2dSample>>();

function load(uri: string): Promise<Points2dSample> {
  let pending = cache.get(uri);
  if (!pending) {
    pending = fetch(uri).then(async (response) => {
      if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
      return (await response.json()) as Points2dSample;
    });
    pending.catch(() => cache.delete(uri)); // let a later look retry
    if (cache.size > 200) cache.delete(cache.keys().next().value as string);
    cache.set(uri, pending);
  }
  return pending;
}

export function usePoints2d(uri: string | undefined): { sample?: Points2dSample; error?: string } {
  const [state, setState] = useState<{ uri?: string; sample?: Points2dSample; error?: string }>({});
  useEffect(() => {
    if (!uri) return;
    let cancelled = false;
    load(uri).then(
      (sample) => !cancelled && setState({ uri, sample }),
      (reason: unknown) => !cancelled && setState({ uri, error: reason instanceof Error ? reason.message : String(reason) }),
    );
    return () => {
      cancelled = true;
    };
  }, [uri]);
  // Keep drawing the previous sample until the next one has loaded (no flicker while playing).
  return { sample: state.sample, error: state.uri === uri ? state.error : undefined };
}
