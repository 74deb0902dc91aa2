/**
 * A uPlot line chart of one or more runs' series, each drawn smoothed (TensorBoard's
 * debiased EMA) over its raw values drawn faintly. Drag to zoom to a range of steps,
 * double-click or "Reset zoom" for all; the read-out above follows the pointer.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import { formatValue } from '../format';
import { useTheme, type ThemeColors } from '../theme';
import { smoothSeries } from './smoothing';

export interface ChartSeries {
  label: string;
  color: string;
  values: (number | null)[];
  dash?: number[];
}

/** Series sharing one step axis (one run). Several tables are joined on their steps. */
export interface ChartTable {
  steps: number[];
  series: ChartSeries[];
}

export interface StepRange {
  min: number;
  max: number;
}

interface Props {
  title: string;
  testId: string;
  tables: ChartTable[];
  /** Changes whenever the tables' arrays grow (they grow in place). */
  version: number;
  smoothing: number;
  logScale?: boolean;
  /** A fixed y range, e.g. [0, 1] for probabilities. */
  yRange?: [number, number];
  stepRange?: StepRange;
  onStepRangeChange(range: StepRange | undefined): void;
  height?: number;
}

interface Readout {
  step: number;
  rows: { label: string; color: string; smoothed: number | null; raw: number | null }[];
}

type YScaleKind = 'linear' | 'log' | 'asinh';

function yScaleKind(tables: ChartTable[], logScale: boolean | undefined): YScaleKind {
  if (!logScale) return 'linear';
  // A log axis cannot show zero or negative losses (e.g. a Wasserstein critic); asinh can.
  for (const table of tables) for (const s of table.series) for (const v of s.values) if (v !== null && v <= 0) return 'asinh';
  return 'log';
}

/** uPlot's data: steps, then raw and smoothed values of each series, tables joined on steps. */
function chartData(tables: ChartTable[], smoothing: number): uPlot.AlignedData {
  const aligned = tables.map((t) => [t.steps, ...t.series.flatMap((s) => [s.values, smoothSeries(s.values, smoothing)])] as uPlot.AlignedData);
  if (aligned.length === 1) return aligned[0];
  if (aligned.length === 0) return [[]];
  return uPlot.join(aligned);
}

function axis(theme: ThemeColors, label?: string): uPlot.Axis {
  const base: uPlot.Axis = {
    stroke: theme.muted,
    grid: { stroke: theme.grid, width: 0.5 },
    ticks: { stroke: theme.grid, width: 0.5 },
    font: `11px ${theme.fontFamily}`,
    labelFont: `11px ${theme.fontFamily}`,
  };
  // uPlot takes a key set to undefined as a value: leave out what is not set.
  return label ? { ...base, label, labelSize: 14, size: 34 } : { ...base, size: 56 };
}

export function LossChart(props: Props) {
  const { title, testId, tables, version, smoothing, logScale, yRange, stepRange, onStepRangeChange, height = 220 } = props;
  const theme = useTheme();
  const holder = useRef<HTMLDivElement>(null);
  const figure = useRef<HTMLElement>(null);
  const chart = useRef<uPlot | undefined>(undefined);
  const [readout, setReadout] = useState<Readout>();
  const draws = useRef(0);
  const series = tables.flatMap((t) => t.series);
  const scaleKind = yScaleKind(tables, logScale);
  // A new chart only when what is drawn changes, not when data grows.
  const structure = JSON.stringify([series.map((s) => [s.label, s.color, s.dash]), scaleKind, yRange, theme]);
  const latest = useRef({ tables, smoothing, stepRange, onStepRangeChange, series });
  latest.current = { tables, smoothing, stepRange, onStepRangeChange, series };

  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    const opts: uPlot.Options = {
      width: Math.max(200, element.clientWidth),
      height,
      legend: { show: false },
      scales: {
        x: { time: false },
        y: {
          distr: scaleKind === 'log' ? 3 : scaleKind === 'asinh' ? 4 : 1,
          log: 10,
          ...(yRange ? { range: yRange as uPlot.Range.MinMax } : {}),
        },
      },
      axes: [axis(theme, 'step'), axis(theme)],
      cursor: {
        drag: { x: true, y: false, setScale: false },
        points: { show: false },
        sync: { key: 'gan-studio-steps', setSeries: false },
        bind: {
          dblclick: () => () => {
            latest.current.onStepRangeChange(undefined);
            return null;
          },
        },
      },
      series: [
        { label: 'step' },
        ...series.flatMap((s): uPlot.Series[] => [
          { label: `${s.label} (raw)`, stroke: s.color, alpha: 0.25, width: 1, dash: s.dash, spanGaps: true, points: { show: false } },
          { label: s.label, stroke: s.color, width: 1.75, dash: s.dash, spanGaps: true, points: { show: false } },
        ]),
      ],
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width > 3) {
              const min = u.posToVal(u.select.left, 'x');
              const max = u.posToVal(u.select.left + u.select.width, 'x');
              latest.current.onStepRangeChange({ min, max });
            }
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          },
        ],
        setCursor: [
          (u) => {
            const idx = u.cursor.idx;
            if (idx === null || idx === undefined) {
              setReadout(undefined);
              return;
            }
            const current = latest.current.series;
            setReadout({
              step: u.data[0][idx],
              rows: current.map((s, i) => ({
                label: s.label,
                color: s.color,
                raw: (u.data[1 + 2 * i]?.[idx] ?? null) as number | null,
                smoothed: (u.data[2 + 2 * i]?.[idx] ?? null) as number | null,
              })),
            });
          },
        ],
      },
    };
    const { tables: data, smoothing: weight } = latest.current;
    const u = new uPlot(opts, chartData(data, weight), element);
    chart.current = u;
    const observer = new ResizeObserver(() => {
      if (element.clientWidth > 0) u.setSize({ width: element.clientWidth, height });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      u.destroy();
      chart.current = undefined;
    };
    // `structure` stands for series, scale and theme.
  }, [structure, height]);

  // New data, smoothing or zoom: one setData per render (renders come at most once a frame).
  const data = useMemo(() => chartData(tables, smoothing), [tables, smoothing, version]);
  useEffect(() => {
    const u = chart.current;
    if (!u) return;
    u.setData(data, stepRange === undefined);
    if (stepRange) u.setScale('x', stepRange);
    for (let i = 0; i < series.length; i++) {
      const raw = 1 + 2 * i;
      const showRaw = smoothing > 0;
      if (u.series[raw] && u.series[raw].show !== showRaw) u.setSeries(raw, { show: showRaw });
    }
    draws.current++;
    // Tests read how often the chart redrew: fewer times than messages arrived.
    if (figure.current) figure.current.dataset.draws = String(draws.current);
  }, [data, stepRange, structure, smoothing, series.length]);

  const points = data[0].length;
  const lastSmoothed = (() => {
    const column = data[2] as (number | null)[] | undefined;
    if (!column) return undefined;
    for (let i = column.length - 1; i >= 0; i--) if (column[i] !== null && column[i] !== undefined) return column[i] as number;
    return undefined;
  })();

  return (
    <figure ref={figure} className="chart" data-testid={testId} data-points={points} data-y-scale={scaleKind} data-step-range={stepRange ? `${Math.round(stepRange.min)}-${Math.round(stepRange.max)}` : ''} data-last={lastSmoothed?.toPrecision(6) ?? ''}>
      <figcaption className="chart-head">
        <span className="chart-title">{title}</span>
        <span className="chart-legend">
          {series.map((s) => (
            <span key={s.label} className="legend-item">
              <svg width="16" height="8" aria-hidden="true">
                <line x1="0" y1="4" x2="16" y2="4" stroke={s.color} strokeWidth="2" strokeDasharray={s.dash?.join(' ')} />
              </svg>
              {s.label}
            </span>
          ))}
        </span>
      </figcaption>
      <div className="chart-readout" aria-live="off" data-testid={`${testId}-readout`}>
        {readout ? (
          <>
            <span className="readout-step">step {readout.step}</span>
            {readout.rows.map((row) => (
              <span key={row.label} className="readout-value">
                <svg width="8" height="8" aria-hidden="true">
                  <rect width="8" height="8" fill={row.color} />
                </svg>
                {row.label} {formatValue(row.smoothed)}
                {smoothing > 0 && <span className="muted"> ({formatValue(row.raw)})</span>}
              </span>
            ))}
          </>
        ) : (
          <span className="muted">{points ? 'Hover for values · drag to zoom · double-click to reset' : 'No points yet'}</span>
        )}
      </div>
      <div ref={holder} className="chart-plot" />
    </figure>
  );
}
