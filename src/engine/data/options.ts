/** `OpenDataOptions` with every default filled in. */

import { DEFAULT_CACHE_BYTES, DEFAULT_DECODE_CONCURRENCY, OpenDataOptions } from './types';

export interface ResolvedOptions {
  specDir: string;
  seed: number;
  warn: (message: string) => void;
  cacheBytes: number;
  concurrency: number;
}

export function resolveOptions(options: OpenDataOptions): ResolvedOptions {
  return {
    specDir: options.specDir,
    seed: options.seed,
    warn: options.warn,
    cacheBytes: Math.max(0, options.cacheBytes ?? DEFAULT_CACHE_BYTES),
    concurrency: Math.max(1, Math.floor(options.decodeConcurrency ?? DEFAULT_DECODE_CONCURRENCY)),
  };
}
