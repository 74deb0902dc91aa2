/**
 * The Training view's host side: answers the webview's requests from the run folders on
 * disk (history, compare, past walks) and streams the live session into it. Nothing here
 * needs the trainer to be alive except a walk on the run that is training.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MetricPoint, RunInfo, SampleRecord, TrainerEvent, WebviewToHost } from '../../protocol';
import { listRuns, readMetrics, readRunInfo, readSamples, sampleFile } from '../../run';
import { runTrainerJob } from '../../trainer/client';
import { Config } from '../config';
import { GanPanel } from '../panel/ganPanel';
import { allRuns, runsDirFor, runsOfSpec } from './runsLocation';
import { TrainingController } from './trainingController';
import { TrainingSession } from './trainingSession';

export function registerTrainingPanel(context: vscode.ExtensionContext, panel: GanPanel, controller: TrainingController, config: Config): void {
  const bridge = new TrainingPanelBridge(context, panel, controller, config);
  context.subscriptions.push(
    panel.onDidReceiveMessage((message) => bridge.receive(message)),
    controller.onDidStartSession((session) => bridge.follow(session)),
    vscode.commands.registerCommand('ganStudio.showTraining', () => bridge.showTraining()),
    vscode.commands.registerCommand('ganStudio.openRun', (runDir?: string) => bridge.openRun(runDir)),
    vscode.commands.registerCommand('ganStudio.compareRuns', () => bridge.compareRuns()),
  );
}

class TrainingPanelBridge {
  /** The spec whose runs the view lists (follows the panel's document, or an opened run). */
  private specFile: string | undefined;
  private walkCounter = 0;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly panel: GanPanel,
    private readonly controller: TrainingController,
    private readonly config: Config,
  ) {}

  receive(message: WebviewToHost): void {
    switch (message.type) {
      case 'ready':
        this.panel.post({ type: 'settings', smoothing: this.config.smoothing });
        this.sendRuns();
        break;
      case 'select-run':
        this.sendHistory(message.runId);
        break;
      case 'compare':
        this.sendCompare(message.runIds);
        break;
      case 'walk':
        void this.walk(message.runId, message.from, message.to, message.frames);
        break;
      case 'command':
        void this.runCommand(message.command);
        break;
    }
  }

  /** Streams a new session into the panel. */
  follow(session: TrainingSession): void {
    const specFile = session.run?.specFile ?? session.specFile;
    if (specFile) this.specFile = specFile;
    // Training is watched beside the code: open (or switch) the panel to the Training view.
    const document = vscode.workspace.textDocuments.find((d) => d.fileName === specFile);
    this.panel.show(document, 'training');
    session.onEvent((event) => this.relay(session, event));
    // A trainer that dies without a `finished` event (SIGKILL, a crash) must not stay
    // "running" in the view: send its final state and the runs list without an active run.
    session.onExit(() => {
      if (session.run) this.post(session.run, {});
      this.sendRuns();
    });
  }

  async showTraining(): Promise<void> {
    // The .gan.json in the editor first (as Show Architecture does), else the panel's last one.
    const active = vscode.window.activeTextEditor?.document;
    const document = active?.fileName.endsWith('.gan.json') ? active : this.panel.currentDocumentUri ? await vscode.workspace.openTextDocument(this.panel.currentDocumentUri) : undefined;
    this.panel.show(document?.fileName.endsWith('.gan.json') ? document : undefined, 'training');
    this.sendRuns();
  }

  async openRun(runDir?: string): Promise<void> {
    let run: RunInfo | undefined = runDir ? readRunInfo(runDir) : undefined;
    if (!run) {
      const runs = allRuns(this.config);
      if (runs.length === 0) {
        void vscode.window.showInformationMessage('No training runs yet. Open a .gan.json and run "GAN Studio: Train".');
        return;
      }
      const picked = await vscode.window.showQuickPick(runs.map((r) => ({ label: r.name, description: `${r.status} · step ${r.step}/${r.totalSteps}`, detail: `${new Date(r.startedAt).toLocaleString()} · ${r.backend ?? ''} · ${r.dir}`, run: r })), { title: 'Open a run (newest first)', matchOnDetail: true });
      run = picked?.run;
    }
    if (!run) return;
    this.specFile = run.specFile;
    this.panel.show(undefined, 'training');
    this.sendRuns(run.id);
    this.sendHistory(run.id);
  }

  async compareRuns(): Promise<void> {
    const runs = allRuns(this.config);
    const picked = await vscode.window.showQuickPick(runs.map((r) => ({ label: r.name, description: `${r.status} · step ${r.step}`, detail: r.dir, run: r })), { title: 'Compare runs: pick two or more', canPickMany: true });
    if (!picked || picked.length < 2) return;
    this.panel.show(undefined, 'training');
    this.panel.post({ type: 'compare', runs: picked.map((p) => ({ run: p.run, metrics: readMetrics(p.run.dir) })) });
  }

  /** The runs of the current spec, and which one is training. */
  private sendRuns(activeRunId?: string): void {
    const specFile = this.currentSpecFile();
    const session = this.controller.lastSession;
    const runsDirs = new Set<string>();
    if (specFile) runsDirs.add(runsDirFor(vscode.Uri.file(specFile), this.config));
    if (session?.run) runsDirs.add(path.dirname(session.run.dir));
    const runs = specFile ? [...runsDirs].flatMap((dir) => runsOfSpec(specFile, dir)) : [];
    const live = session?.run && session.isRunning ? session.run : undefined;
    // The last session knows better than its run.json (which a killed trainer could not update).
    const last = session?.run;
    const merged = runs.map((r) => (last && r.id === last.id ? last : r));
    // The run that trains is listed even when the panel shows another file.
    if (live && !merged.some((r) => r.id === live.id)) merged.unshift(live);
    this.panel.post({ type: 'runs', runs: merged, activeRunId: activeRunId ?? live?.id });
  }

  private currentSpecFile(): string | undefined {
    return this.panel.currentDocumentUri?.fsPath ?? this.specFile;
  }

  private findRun(runId: string): RunInfo | undefined {
    const session = this.controller.lastSession;
    if (session?.run?.id === runId) return session.run;
    const dirs = new Set<string>();
    const specFile = this.currentSpecFile();
    if (specFile) dirs.add(runsDirFor(vscode.Uri.file(specFile), this.config));
    for (const dir of dirs) {
      const run = listRuns(dir).find((r) => r.id === runId);
      if (run) return run;
    }
    return allRuns(this.config).find((r) => r.id === runId);
  }

  private samplesWithUris(runDir: string, records: SampleRecord[]): (SampleRecord & { uri: string })[] {
    const webview = this.panel.webview;
    if (!webview) return [];
    return records.map((r) => {
      const file = sampleFile(runDir, r);
      // A step re-drawn after a resume (or Sample Now on a sample step) is a new file under the
      // same name: the modification time in the URI keeps the webview from showing a cached one.
      const version = existsSync(file) ? Math.round(statSync(file).mtimeMs) : 0;
      return { ...r, uri: webview.asWebviewUri(vscode.Uri.file(file)).with({ query: `v=${version}` }).toString() };
    });
  }

  private sendHistory(runId: string): void {
    const run = this.findRun(runId);
    if (!run) return;
    this.ensureReadable(run.dir);
    const live = this.controller.lastSession?.run?.id === run.id ? this.controller.lastSession.run : undefined;
    this.panel.post({ type: 'run-history', run: live ?? readRunInfo(run.dir) ?? run, metrics: readMetrics(run.dir), samples: this.samplesWithUris(run.dir, readSamples(run.dir)) });
  }

  private sendCompare(runIds: string[]): void {
    const runs = runIds.map((id) => this.findRun(id)).filter((r): r is RunInfo => r !== undefined);
    this.panel.post({ type: 'compare', runs: runs.map((run) => ({ run, metrics: readMetrics(run.dir) })) });
  }

  private relay(session: TrainingSession, event: TrainerEvent): void {
    const run = session.run;
    if (!run) return;
    switch (event.type) {
      case 'started':
        this.ensureReadable(run.dir);
        if (!this.panel.currentDocumentUri) this.specFile = run.specFile;
        this.sendRuns(run.id);
        break;
      case 'metrics':
        this.post(run, { metrics: event.points });
        break;
      case 'samples':
        this.post(run, { samples: this.samplesWithUris(run.dir, [event.sample]) });
        break;
      case 'walk':
        if (this.panel.webview) this.panel.post({ type: 'walk-result', runId: run.id, requestId: event.requestId, uri: this.panel.webview.asWebviewUri(vscode.Uri.file(event.file)).toString(), frames: event.frames });
        break;
      case 'state':
      case 'checkpoint':
      case 'finished':
        this.post(run, {});
        break;
    }
  }

  private post(run: RunInfo, update: { metrics?: MetricPoint[]; samples?: (SampleRecord & { uri: string })[] }): void {
    this.panel.post({ type: 'run-update', runId: run.id, run, ...update });
  }

  /** A walk between two samples: from the live trainer when that run trains, else from its checkpoint. */
  private async walk(runId: string, from: number, to: number, frames: number): Promise<void> {
    const requestId = `walk-${Date.now()}-${this.walkCounter++}`;
    const session = this.controller.activeSession;
    if (session?.run?.id === runId && session.send({ type: 'walk', requestId, from, to, frames })) return;
    const run = this.findRun(runId);
    if (!run) return;
    const folder = path.join(run.dir, 'walks');
    mkdirSync(folder, { recursive: true });
    const out = path.join(folder, `walk-${from}-${to}-${frames}-${Date.now()}.png`);
    const exit = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'GAN Studio: rendering a latent walk…' }, () =>
      runTrainerJob({ kind: 'walk', runDir: run.dir, from, to, frames, out, backend: this.config.backend }, undefined, {
        trainerScript: vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'trainer.js').fsPath,
        execPath: this.config.nodePath || process.execPath,
      }),
    );
    if (exit.crashed || exit.finished?.status !== 'completed') {
      void vscode.window.showErrorMessage(`GAN Studio: the walk could not be rendered: ${exit.summary}`);
      return;
    }
    this.ensureReadable(run.dir);
    if (this.panel.webview) this.panel.post({ type: 'walk-result', runId, requestId, uri: this.panel.webview.asWebviewUri(vscode.Uri.file(out)).toString(), frames });
  }

  private async runCommand(command: Extract<WebviewToHost, { type: 'command' }>['command']): Promise<void> {
    const ids: Record<typeof command, string> = {
      train: 'ganStudio.train',
      stop: 'ganStudio.stop',
      pause: 'ganStudio.pause',
      resume: 'ganStudio.resume',
      'sample-now': 'ganStudio.sampleNow',
      'open-run': 'ganStudio.openRun',
      'compare-runs': 'ganStudio.compareRuns',
    };
    if (command === 'train') await vscode.commands.executeCommand(ids.train, this.panel.currentDocumentUri);
    else await vscode.commands.executeCommand(ids[command]);
  }

  /** Lets the webview load files of a run folder outside the current roots. */
  private ensureReadable(runDir: string): void {
    this.panel.allowFolder(path.dirname(runDir));
  }
}
