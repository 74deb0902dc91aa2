/**
 * CPU time of the processes a real-VS-Code run consists of, from /proc (Linux): the
 * trainer, the extension host, the rest of code-server, Chromium. For benchmarks that
 * want to say where the time goes, not only how long things took.
 */
import { readdirSync, readFileSync } from 'node:fs';

export type ProcessGroup = 'trainer' | 'extension host' | 'code-server' | 'chromium' | 'other';

const TICKS_PER_SECOND = 100; // USER_HZ; 100 on every Linux this runs on

export function classify(cmdline: string): ProcessGroup {
  if (/\/dist\/trainer\.js/.test(cmdline)) return 'trainer';
  if (/--type=extensionHost/.test(cmdline)) return 'extension host';
  if (/code-server/.test(cmdline)) return 'code-server';
  if (/chrom(e|ium)/.test(cmdline)) return 'chromium';
  return 'other';
}

/** CPU seconds (user + system) so far of each live process, with its group. */
export function cpuSnapshot(): Map<number, { group: ProcessGroup; seconds: number }> {
  const snapshot = new Map<number, { group: ProcessGroup; seconds: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after "(comm) ": state is [0], utime [11], stime [12].
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      snapshot.set(Number(entry), { group: classify(cmdline), seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND });
    } catch {
      // gone meanwhile
    }
  }
  return snapshot;
}

/**
 * Follows CPU time per group from `start()` to `stop()`, polling so that processes that
 * end in between (a trainer) are counted up to their last poll.
 */
export class CpuMeter {
  private first = new Map<number, { group: ProcessGroup; seconds: number }>();
  private last = new Map<number, { group: ProcessGroup; seconds: number }>();
  private timer: NodeJS.Timeout | undefined;

  start(intervalMs = 250): void {
    this.first = cpuSnapshot();
    this.last = new Map(this.first);
    this.timer = setInterval(() => this.poll(), intervalMs);
  }

  private poll(): void {
    for (const [pid, value] of cpuSnapshot()) {
      // A process that has exited but is not reaped yet (a zombie) has no command line:
      // keep the group it was seen with.
      const known = this.last.get(pid) ?? this.first.get(pid);
      this.last.set(pid, known && value.group === 'other' ? { group: known.group, seconds: value.seconds } : value);
    }
  }

  /** CPU seconds per group since start(). */
  stop(): Record<ProcessGroup, number> {
    if (this.timer) clearInterval(this.timer);
    this.poll();
    const totals: Record<ProcessGroup, number> = { trainer: 0, 'extension host': 0, 'code-server': 0, chromium: 0, other: 0 };
    for (const [pid, value] of this.last) totals[value.group] += value.seconds - (this.first.get(pid)?.seconds ?? 0);
    return totals;
  }
}
