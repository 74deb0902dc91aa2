/**
 * How the trainer process talks to whoever started it: TrainerEvents over the IPC channel
 * of `child_process.fork` (or, when started without one, as JSON lines on stdout, which is
 * handy for debugging). Metric points are batched so the host gets at most ~10 messages a
 * second however fast training runs.
 */
import type { MetricPoint, TrainerEvent } from '../protocol';

export const METRICS_INTERVAL_MS = 100;

export class EventChannel {
  private pending: MetricPoint[] = [];
  private timer?: NodeJS.Timeout;
  private inFlight = 0;
  private drained: (() => void)[] = [];
  /** Receives each batch of metrics too (the trainer appends them to metrics.jsonl). */
  onMetricsFlush?: (points: MetricPoint[]) => void;

  /** `transport` replaces the IPC channel (tests); it must call `done` once the event is handed on. */
  constructor(private readonly transport?: (event: TrainerEvent, done: () => void) => void) {}

  emit(event: TrainerEvent): void {
    if (event.type !== 'metrics') this.flushMetrics();
    this.send(event);
  }

  /** Queues a metric point; sent with others at most every METRICS_INTERVAL_MS. */
  metric(point: MetricPoint): void {
    this.pending.push(point);
    if (!this.timer) this.timer = setTimeout(() => this.flushMetrics(), METRICS_INTERVAL_MS);
  }

  flushMetrics(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const points = this.pending;
    this.pending = [];
    this.onMetricsFlush?.(points);
    this.send({ type: 'metrics', points });
  }

  /** Resolves once every event so far has been handed to the operating system. */
  async drain(): Promise<void> {
    this.flushMetrics();
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => this.drained.push(resolve));
  }

  private send(event: TrainerEvent): void {
    const done = () => {
      this.inFlight--;
      if (this.inFlight === 0) this.drained.splice(0).forEach((resolve) => resolve());
    };
    if (this.transport) {
      this.inFlight++;
      this.transport(event, done);
    } else if (process.send && process.connected) {
      this.inFlight++;
      process.send(event, undefined, {}, done);
    } else if (!process.send) {
      process.stdout.write(JSON.stringify(event) + '\n');
    }
    // A lost parent (IPC closed) gets nothing; the run folder still records everything.
  }
}
