/**
 * Training from the editor: the Train / Stop / Pause / Resume / Resume From Checkpoint /
 * Sample Now commands, the start-up notification, the status bar, the output channel and
 * the context keys that enable the commands. One run trains at a time; its trainer is a
 * separate process (VS Code's own Node with ELECTRON_RUN_AS_NODE, or a configured one).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TrainerEvent } from '../../protocol';
import { findLatestCheckpoint, readLogTail, readRunInfo, writeRunInfo } from '../../run';
import type { TrainJob } from '../../trainer/job';
import { nativeBackendFolder } from '../commands/backend';
import { Config } from '../config';
import { AnalysisCache, isGanDocument } from '../ganDocuments';
import { allRuns, runsDirFor } from './runsLocation';
import { TrainingStatusBar } from './statusBar';
import { TrainingSession } from './trainingSession';

export class TrainingController implements vscode.Disposable {
  private session: TrainingSession | undefined;
  private readonly statusBar = new TrainingStatusBar();
  private readonly sessionEmitter = new vscode.EventEmitter<TrainingSession>();
  /** A new session started (the panel subscribes to its events). */
  readonly onDidStartSession = this.sessionEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly config: Config,
    private readonly cache: AnalysisCache,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  get activeSession(): TrainingSession | undefined {
    return this.session?.isRunning ? this.session : undefined;
  }

  /** The most recent session, running or not (the panel shows its run). */
  get lastSession(): TrainingSession | undefined {
    return this.session;
  }

  register(): void {
    const command = (id: string, run: (...args: never[]) => unknown) => this.context.subscriptions.push(vscode.commands.registerCommand(id, run));
    command('ganStudio.train', (uri?: vscode.Uri) => this.train(uri));
    command('ganStudio.stop', () => this.stop());
    command('ganStudio.pause', () => this.sendToActive({ type: 'pause' }, 'pause'));
    command('ganStudio.resume', () => this.sendToActive({ type: 'resume' }, 'resume'));
    command('ganStudio.sampleNow', () => this.sendToActive({ type: 'sample-now' }, 'sample'));
    command('ganStudio.resumeFromCheckpoint', (runDir?: string) => this.resumeFromCheckpoint(runDir));
    this.context.subscriptions.push(this.statusBar, this.sessionEmitter, { dispose: () => this.session?.dispose() });
    this.setContext();
  }

  /** GAN Studio: Train — the active (or given) .gan.json, in a new run. */
  async train(uri?: vscode.Uri): Promise<TrainingSession | undefined> {
    if (!this.checkTrusted()) return undefined;
    const document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    if (!document || !isGanDocument(document)) {
      void vscode.window.showInformationMessage('Open a .gan.json file to train it.');
      return undefined;
    }
    if (this.activeSession) {
      void vscode.window.showWarningMessage(`"${this.activeSession.name}" is training. Stop it first (GAN Studio: Stop Training).`);
      return undefined;
    }
    const analysis = this.cache.get(document);
    const errors = analysis.problems.filter((p) => p.severity === 'error');
    if (errors.length > 0) {
      const at = document.positionAt(errors[0].start);
      const choice = await vscode.window.showErrorMessage(`${path.basename(document.fileName)} has ${errors.length} problem${errors.length === 1 ? '' : 's'} to fix before training; the first, on line ${at.line + 1}: ${errors[0].message}`, 'Show Problems');
      if (choice) await vscode.commands.executeCommand('workbench.actions.view.problems');
      return undefined;
    }
    if (document.isDirty) await document.save();
    const job: TrainJob = { kind: 'train', specFile: document.fileName, runsDir: runsDirFor(document.uri, this.config) };
    return this.start(job, path.basename(document.fileName));
  }

  /** GAN Studio: Resume From Checkpoint… — continue a stopped or crashed run. */
  async resumeFromCheckpoint(runDir?: string): Promise<TrainingSession | undefined> {
    if (!this.checkTrusted()) return undefined;
    if (this.activeSession) {
      void vscode.window.showWarningMessage(`"${this.activeSession.name}" is training. Stop it first.`);
      return undefined;
    }
    let target = runDir;
    if (!target) {
      const candidates = allRuns(this.config).filter((r) => r.status !== 'completed' || r.step < r.totalSteps).filter((r) => findLatestCheckpoint(r.dir));
      if (candidates.length === 0) {
        void vscode.window.showInformationMessage('No run has a checkpoint to resume from yet.');
        return undefined;
      }
      const picked = await vscode.window.showQuickPick(candidates.map((r) => ({ label: r.name, description: `${r.status} at step ${r.step}/${r.totalSteps}`, detail: `checkpoint at step ${findLatestCheckpoint(r.dir)?.step} · ${r.dir}`, run: r })), { title: 'Resume which run?' });
      if (!picked) return undefined;
      target = picked.run.dir;
    }
    const checkpoint = findLatestCheckpoint(target);
    if (!checkpoint) {
      void vscode.window.showErrorMessage(`${target} has no complete checkpoint to resume from.`);
      return undefined;
    }
    return this.start({ kind: 'train', resume: target }, path.basename(target));
  }

  async stop(): Promise<void> {
    const session = this.activeSession;
    if (!session) return;
    session.stop();
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'GAN Studio: saving a checkpoint and stopping…' }, () =>
      Promise.race([session.exited, new Promise((resolve) => setTimeout(resolve, 60_000))]),
    );
    if (session.isRunning) {
      // It did not stop in a minute: end it; the last complete checkpoint stays.
      session.kill();
    }
  }

  private sendToActive(command: Parameters<TrainingSession['send']>[0], verb: string): void {
    const session = this.activeSession;
    if (!session) {
      void vscode.window.showInformationMessage(`Nothing is training to ${verb}.`);
      return;
    }
    session.send(command);
  }

  private checkTrusted(): boolean {
    if (vscode.workspace.isTrusted) return true;
    void vscode.window.showWarningMessage('Training runs code and reads data from this workspace, so it needs a trusted workspace. Checking, hovers and diagrams work without trust.', 'Manage Workspace Trust').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
    });
    return false;
  }

  private trainerEnvironment(): { execPath?: string; env: NodeJS.ProcessEnv; tfjsPaths: string[] } {
    const tfjsPaths = [nativeBackendFolder(this.context), this.config.nativeBackendPath].filter((p) => p.length > 0);
    const nodePath = this.config.nodePath;
    return { execPath: nodePath || process.execPath, env: { ...process.env }, tfjsPaths };
  }

  private start(job: TrainJob, name: string): TrainingSession {
    const environment = this.trainerEnvironment();
    const backend = this.config.backend;
    const fullJob: TrainJob = {
      ...job,
      backend,
      tfjsPaths: environment.tfjsPaths,
      workers: this.config.workers || undefined,
      sampleEvery: this.config.sampleEvery,
      checkpointEvery: this.config.checkpointEvery,
    };
    const session = new TrainingSession({
      job: fullJob,
      name,
      trainerScript: vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'trainer.js').fsPath,
      execPath: environment.execPath,
      env: environment.env,
    });
    this.session?.dispose();
    this.session = session;
    this.output.info(`Training ${name} (backend setting: ${backend}, trainer pid ${session.pid ?? '?'}).`);
    this.statusBar.starting(name);
    this.setContext();
    this.showStartupProgress(session);
    session.onEvent((event) => this.onEvent(session, event));
    session.onExit((exit) => {
      this.statusBar.hide();
      this.setContext();
      if (exit.crashed) {
        // The trainer could not record its end: do it for it, so the run folder says failed.
        if (session.run) {
          const info = readRunInfo(session.run.dir);
          if (info && (info.status === 'running' || info.status === 'paused' || info.status === 'starting')) writeRunInfo({ ...info, status: 'failed', message: exit.summary });
        }
        this.output.error(exit.summary);
        for (const line of exit.stderrTail.slice(-20)) this.output.error(`  ${line}`);
        if (session.run) for (const line of readLogTail(session.run.dir, 10)) this.output.info(`  log: ${line}`);
        void vscode.window.showErrorMessage(`GAN Studio: ${exit.summary}`, 'Show Log', 'Resume From Checkpoint').then((choice) => {
          if (choice === 'Show Log') this.output.show();
          if (choice === 'Resume From Checkpoint' && session.run) void this.resumeFromCheckpoint(session.run.dir);
        });
      } else if (exit.finished?.status === 'completed') {
        void vscode.window.showInformationMessage(`GAN Studio: ${name} trained ${exit.finished.step} steps.`, 'Show Training').then((c) => c && vscode.commands.executeCommand('ganStudio.showTraining'));
      } else if (exit.finished?.status === 'failed') {
        void vscode.window.showErrorMessage(`GAN Studio: ${exit.finished.message ?? 'training failed'}`, 'Show Log').then((c) => c && this.output.show());
      }
    });
    this.sessionEmitter.fire(session);
    return session;
  }

  /** The notification while data loads and models build; it hands over to the status bar at the first step. */
  private showStartupProgress(session: TrainingSession): void {
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `GAN Studio: ${session.name}`, cancellable: true }, (progress, token) =>
      new Promise<void>((resolve) => {
        token.onCancellationRequested(() => {
          session.stop();
          resolve();
        });
        const listener = session.onEvent((event) => {
          if (event.type === 'progress') progress.report({ message: event.message });
          if (event.type === 'started') progress.report({ message: `${event.backend.name}: G ${event.generator.trainableParams.toLocaleString('en-US')}, D ${event.discriminator.trainableParams.toLocaleString('en-US')} parameters` });
          if (event.type === 'metrics' || event.type === 'finished' || event.type === 'error') {
            listener.dispose();
            resolve();
          }
        });
        void session.exited.then(() => {
          listener.dispose();
          resolve();
        });
      }),
    );
  }

  private onEvent(session: TrainingSession, event: TrainerEvent): void {
    switch (event.type) {
      case 'started':
        this.output.info(`Run ${event.run.dir}`);
        this.output.info(`Backend ${event.backend.name}${event.backend.notes.length ? ` (${event.backend.notes.join('; ')})` : ''}`);
        break;
      case 'log':
        this.output.info(event.line);
        break;
      case 'warning':
        this.output.warn(event.message);
        break;
      case 'error':
        this.output.error(event.message + (event.detail ? `\n${event.detail}` : ''));
        void vscode.window.showErrorMessage(`GAN Studio: ${event.message}`, 'Show Log').then((c) => c && this.output.show());
        break;
      case 'checkpoint':
        this.output.info(`Checkpoint at step ${event.step}`);
        break;
      case 'state':
        this.setContext();
        break;
    }
    if (session.isRunning && session.status !== 'starting') {
      this.statusBar.update({ name: session.name, step: session.step, totalSteps: session.totalSteps, backend: session.backend?.name, paused: session.paused, latest: session.latest });
    }
  }

  private setContext(): void {
    const session = this.activeSession;
    void vscode.commands.executeCommand('setContext', 'ganStudio.training', session !== undefined);
    void vscode.commands.executeCommand('setContext', 'ganStudio.paused', session?.paused ?? false);
  }

  dispose(): void {
    this.session?.dispose();
  }
}

