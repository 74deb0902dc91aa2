/** Text formats shared by the views. */
import type { Shape } from '../../src/spec/types';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatShape(shape: Shape | undefined): string {
  if (!shape) return '?';
  return `[${shape.join(', ')}]`;
}

export function formatCount(n: number): string {
  return integer.format(n);
}

/** 54413955 → "54.4M": for places without room for every digit. */
export function formatCompact(n: number): string {
  if (Math.abs(n) >= 1e6) return `${(n / 1e6).toFixed(n >= 1e8 ? 0 : 1)}M`;
  if (Math.abs(n) >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  return formatCount(n);
}

export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  return v.toPrecision(4);
}

export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}
