/**
 * One training run seen from the extension host: a trainer process (never tfjs in the
 * host), what it last said (status, step, metrics, backend), and an event stream for
 * the status bar, the panel and the log. The host only relays; the run folder is the record.
 */
import * as vscode from 'vscode';
import type { BackendReport, MetricPoint, RunInfo, RunStatus, TrainerCommand, TrainerEvent } from '../../protocol';
import { startTrainer, TrainerExit, TrainerHandle } from '../../trainer/client';
import type { TrainJob } from '../../trainer/job';

export interface SessionOptions {
  job: TrainJob;
  /** dist/trainer.js of the installed extension. */
  trainerScript: string;
  /** Node for the trainer: VS Code's own runtime unless a path is configured. */
  execPath?: string;
  env?: NodeJS.ProcessEnv;
  /** A readable name for messages (the spec's file name). */
  name: string;
}

export class TrainingSession implements vscode.Disposable {
  readonly name: string;
  /** The .gan.json it trains (for a resumed run: known once it has started). */
  readonly specFile: string | undefined;
  run: RunInfo | undefined;
  status: RunStatus = 'starting';
  step = 0;
  totalSteps = 0;
  backend: BackendReport | undefined;
  latest: MetricPoint | undefined;
  /** Set once the process has exited. */
  exit: TrainerExit | undefined;
  readonly exited: Promise<TrainerExit>;

  private readonly trainer: TrainerHandle;
  private readonly eventEmitter = new vscode.EventEmitter<TrainerEvent>();
  /** Every event the trainer sends, after the session has updated its own state. */
  readonly onEvent = this.eventEmitter.event;
  private readonly exitEmitter = new vscode.EventEmitter<TrainerExit>();
  readonly onExit = this.exitEmitter.event;

  constructor(options: SessionOptions) {
    this.name = options.name;
    this.specFile = options.job.specFile;
    this.trainer = startTrainer(options.job, { trainerScript: options.trainerScript, execPath: options.execPath, env: options.env });
    this.trainer.onEvent((event) => {
      this.track(event);
      this.eventEmitter.fire(event);
    });
    this.exited = this.trainer.exited.then((exit) => {
      this.exit = exit;
      if (exit.crashed) this.status = 'failed';
      else if (exit.finished) this.status = exit.finished.status;
      // What the panel and the runs list show of this run must not stay "running".
      if (this.run) this.run = { ...this.run, status: this.status, message: exit.crashed ? exit.summary : this.run.message };
      this.exitEmitter.fire(exit);
      return exit;
    });
  }

  get pid(): number | undefined {
    return this.trainer.pid;
  }

  get isRunning(): boolean {
    return this.exit === undefined;
  }

  get paused(): boolean {
    return this.status === 'paused';
  }

  send(command: TrainerCommand): boolean {
    return this.trainer.send(command);
  }

  /** A clean stop: the trainer writes a checkpoint, then exits. */
  stop(): void {
    if (!this.trainer.stop()) this.trainer.kill();
  }

  kill(): void {
    this.trainer.kill();
  }

  private track(event: TrainerEvent): void {
    switch (event.type) {
      case 'started':
        this.run = event.run;
        this.backend = event.backend;
        this.totalSteps = event.totalSteps;
        this.step = event.run.step;
        this.status = 'running';
        break;
      case 'metrics':
        if (event.points.length > 0) {
          this.latest = event.points[event.points.length - 1];
          this.step = this.latest.step;
        }
        break;
      case 'state':
        this.status = event.status;
        this.step = event.step;
        break;
      case 'finished':
        this.status = event.status;
        this.step = event.step;
        break;
      case 'checkpoint':
        if (this.run) this.run = { ...this.run, checkpointStep: event.step };
        break;
    }
    if (this.run) this.run = { ...this.run, status: this.status, step: this.step };
  }

  dispose(): void {
    if (this.isRunning) this.stop();
    this.eventEmitter.dispose();
    this.exitEmitter.dispose();
  }
}
