/**
 * Metric points kept column by column, the form uPlot draws, grown in place as points
 * stream in (thousands of them: no copying per message).
 */
import type { MetricPoint } from '../../../src/protocol';

export interface MetricColumns {
  steps: number[];
  dLoss: (number | null)[];
  gLoss: (number | null)[];
  /** Every loss part seen so far, each as long as `steps` (null where a point lacks it). */
  parts: Map<string, (number | null)[]>;
  dOfReal: (number | null)[];
  dOfFake: (number | null)[];
  imagesPerSecond?: number;
}

export function emptyColumns(): MetricColumns {
  return { steps: [], dLoss: [], gLoss: [], parts: new Map(), dOfReal: [], dOfFake: [] };
}

function finite(v: number | undefined): number | null {
  return v === undefined || !Number.isFinite(v) ? null : v;
}

function push(columns: MetricColumns, point: MetricPoint): void {
  const index = columns.steps.length;
  columns.steps.push(point.step);
  columns.dLoss.push(finite(point.dLoss));
  columns.gLoss.push(finite(point.gLoss));
  columns.dOfReal.push(finite(point.dOfReal));
  columns.dOfFake.push(finite(point.dOfFake));
  for (const [name, value] of Object.entries(point.parts ?? {})) {
    let column = columns.parts.get(name);
    if (!column) {
      column = new Array<number | null>(index).fill(null);
      columns.parts.set(name, column);
    }
    column.push(finite(value));
  }
  for (const column of columns.parts.values()) if (column.length === index) column.push(null);
  if (point.imagesPerSecond !== undefined) columns.imagesPerSecond = point.imagesPerSecond;
}

/** Appends points; a point at or before the last step (a resumed run re-sending) replaces by step. */
export function appendMetrics(columns: MetricColumns, points: MetricPoint[]): MetricColumns {
  const last = columns.steps.length ? columns.steps[columns.steps.length - 1] : -Infinity;
  if (points.every((p, i) => p.step > (i === 0 ? last : points[i - 1].step))) {
    for (const point of points) push(columns, point);
    return columns;
  }
  // Rare: rebuild in step order, later points winning.
  const byStep = new Map<number, MetricPoint>();
  for (const point of toPoints(columns)) byStep.set(point.step, point);
  for (const point of points) byStep.set(point.step, point);
  const rebuilt = emptyColumns();
  for (const point of [...byStep.values()].sort((a, b) => a.step - b.step)) push(rebuilt, point);
  return rebuilt;
}

function toPoints(columns: MetricColumns): MetricPoint[] {
  return columns.steps.map((step, i) => {
    const parts: Record<string, number> = {};
    for (const [name, column] of columns.parts) if (column[i] !== null) parts[name] = column[i] as number;
    return {
      step,
      epoch: 0,
      time: 0,
      dLoss: columns.dLoss[i] ?? NaN,
      gLoss: columns.gLoss[i] ?? NaN,
      parts,
      dOfReal: columns.dOfReal[i] ?? undefined,
      dOfFake: columns.dOfFake[i] ?? undefined,
      imagesPerSecond: i === columns.steps.length - 1 ? columns.imagesPerSecond : undefined,
    };
  });
}

export function columnsOf(points: MetricPoint[]): MetricColumns {
  return appendMetrics(emptyColumns(), points);
}
