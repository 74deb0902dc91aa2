/**
 * The host side of a trainer process: start one (`child_process.fork`), listen to its
 * typed events, send it commands, learn how it ended. No tfjs here — the extension host
 * and the CLI use this, and training never runs in them.
 *
 *   const trainer = startTrainer({ kind: 'train', specFile, runsDir });
 *   trainer.on('metrics', (e) => plot(e.points));
 *   trainer.send({ type: 'pause' });
 *   const exit = await trainer.exited;   // { code, signal, finished, crashed, stderrTail }
 *
 * A trainer that dies without its `finished` event (a crash, SIGKILL, out of memory) is
 * reported as `crashed` with the last lines of its stderr; the run folder keeps all it wrote.
 */
import { ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainerCommand, TrainerEvent } from '../protocol';
import { jobArguments, TrainerJob } from './job';

export type TrainerEventType = TrainerEvent['type'];
export type TrainerEventOf<T extends TrainerEventType> = Extract<TrainerEvent, { type: T }>;

export interface TrainerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The trainer's own last word, when it got to say it. */
  finished?: TrainerEventOf<'finished'>;
  /** It ended without a `finished` event. */
  crashed: boolean;
  /** The last lines of its stderr (why it crashed, usually). */
  stderrTail: string[];
  /** One line for people: how it ended and why. */
  summary: string;
}

export interface StartOptions {
  /** The trainer script: dist/trainer.js beside this bundle, else the compiled src/trainer/main.js. */
  trainerScript?: string;
  /** The Node executable (the extension passes process.execPath with ELECTRON_RUN_AS_NODE=1 in env). */
  execPath?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Lines of stderr kept for crash reports (default 40). */
  stderrLines?: number;
}

export interface TrainerHandle {
  readonly pid: number | undefined;
  /** Listens to one kind of event; returns a function that stops listening. */
  on<T extends TrainerEventType>(type: T, listener: (event: TrainerEventOf<T>) => void): () => void;
  /** Listens to every event. */
  onEvent(listener: (event: TrainerEvent) => void): () => void;
  /** Sends a command; false when the trainer is gone. */
  send(command: TrainerCommand): boolean;
  /** Asks for a clean stop (a checkpoint, then exit). */
  stop(): boolean;
  /** Ends it now (SIGKILL); the last complete checkpoint stays. */
  kill(): void;
  readonly exited: Promise<TrainerExit>;
}

/** Where the trainer entry is, bundled (dist/trainer.js) or compiled by tsc (out/src/trainer/main.js). */
export function defaultTrainerScript(): string {
  const candidates = [join(__dirname, 'trainer.js'), join(__dirname, 'main.js'), join(__dirname, '..', 'trainer', 'main.js')];
  const found = candidates.find((file) => existsSync(file));
  if (!found) throw new Error(`Cannot find the trainer script (looked for ${candidates.join(', ')}).`);
  return found;
}

export function startTrainer(job: TrainerJob, options: StartOptions = {}): TrainerHandle {
  const script = options.trainerScript ?? defaultTrainerScript();
  const child: ChildProcess = fork(script, jobArguments(job), {
    execPath: options.execPath,
    cwd: options.cwd,
    env: { ...(options.env ?? process.env), ELECTRON_RUN_AS_NODE: '1' },
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    // A Ctrl-C in a terminal goes to the whole process group; the CLI forwards it as `stop`.
    detached: false,
  });
  const listeners = new Set<(event: TrainerEvent) => void>();
  const keep = options.stderrLines ?? 40;
  const stderrTail: string[] = [];
  let partial = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      stderrTail.push(line);
      if (stderrTail.length > keep) stderrTail.shift();
    }
  });
  let finished: TrainerEventOf<'finished'> | undefined;
  let lastError: TrainerEventOf<'error'> | undefined;
  child.on('message', (message: TrainerEvent) => {
    if (message.type === 'finished') finished = message;
    if (message.type === 'error') lastError = message;
    for (const listener of [...listeners]) listener(message);
  });

  const exited = new Promise<TrainerExit>((resolve) => {
    let spawnError: Error | undefined;
    child.once('error', (error) => (spawnError = error));
    child.once('close', (code, signal) => {
      if (partial) stderrTail.push(partial);
      const crashed = finished === undefined;
      let summary: string;
      if (spawnError && code === null) summary = `The trainer could not start: ${spawnError.message}`;
      else if (!crashed) summary = finished!.message ?? `Training ${finished!.status}.`;
      else {
        const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
        const why = lastError?.message ?? stderrTail.filter((l) => l.trim()).slice(-3).join(' | ');
        summary = `The trainer ${how} before finishing${why ? `: ${why}` : ''}. The run folder keeps its last complete checkpoint.`;
      }
      resolve({ code, signal, finished, crashed, stderrTail: [...stderrTail], summary });
    });
  });

  const handle: TrainerHandle = {
    pid: child.pid,
    on(type, listener) {
      const wrapped = (event: TrainerEvent) => {
        if (event.type === type) (listener as (e: TrainerEvent) => void)(event);
      };
      listeners.add(wrapped);
      return () => listeners.delete(wrapped);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    send(command) {
      if (!child.connected) return false;
      try {
        return child.send(command);
      } catch {
        return false;
      }
    },
    stop() {
      return handle.send({ type: 'stop' });
    },
    kill() {
      child.kill('SIGKILL');
    },
    exited,
  };
  return handle;
}

/** Runs a job to its end, passing events on; resolves with how it ended. */
export async function runTrainerJob(job: TrainerJob, onEvent?: (event: TrainerEvent) => void, options?: StartOptions): Promise<TrainerExit> {
  const trainer = startTrainer(job, options);
  if (onEvent) trainer.onEvent(onEvent);
  return trainer.exited;
}
