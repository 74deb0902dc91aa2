/**
 * The one GAN Studio panel beside the editor: an Architecture view that follows the
 * active `.gan.json` and a Training view. It owns the webview, queues messages until the
 * app says it is ready, and turns the app's intents into editor actions.
 */
import * as vscode from 'vscode';
import type { DiagramModel, HostToWebview, PanelView, WebviewToHost } from '../../protocol';
import { toDiagramModel } from '../../spec/diagram';
import { AnalysisCache, isGanDocument, rangeOfOffsets } from '../ganDocuments';
import { panelHtml } from './html';

export const PANEL_VIEW_TYPE = 'ganStudio.panel';

/** What the webview keeps with setState and the serializer hands back after a reload. */
export interface PersistedPanelState {
  documentUri?: string;
  view?: PanelView;
}

export class GanPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private documentUri: vscode.Uri | undefined;
  private ready = false;
  private queue: HostToWebview[] = [];
  /** The last diagram of a file that parsed, shown dimmed while the file is broken. */
  private lastGood = new Map<string, DiagramModel>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly messageEmitter = new vscode.EventEmitter<WebviewToHost>();
  /** Intents from the app that other parts (training) handle. */
  readonly onDidReceiveMessage = this.messageEmitter.event;
  private readonly visibilityEmitter = new vscode.EventEmitter<boolean>();
  readonly onDidChangeOpen = this.visibilityEmitter.event;

  /** Folders besides the bundle the webview may load from: run folders with samples. */
  private readonly readableFolders = new Set<string>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly cache: AnalysisCache,
  ) {
    for (const folder of vscode.workspace.workspaceFolders ?? []) this.readableFolders.add(folder.uri.fsPath);
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  get webview(): vscode.Webview | undefined {
    return this.panel?.webview;
  }

  get currentDocumentUri(): vscode.Uri | undefined {
    return this.documentUri;
  }

  /** Opens (or reveals) the panel beside the editor, showing `document`. */
  show(document: vscode.TextDocument | undefined, view: PanelView = 'architecture', preserveFocus = true): void {
    if (!this.panel) {
      const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'GAN Studio', { viewColumn: vscode.ViewColumn.Beside, preserveFocus }, this.webviewOptions());
      this.attach(panel);
    } else {
      this.panel.reveal(undefined, preserveFocus);
    }
    this.post({ type: 'show-view', view });
    if (document) this.showDocument(document);
  }

  /** After a window reload: take over the restored panel. */
  revive(panel: vscode.WebviewPanel, state: PersistedPanelState | undefined, findDocument: (uri: vscode.Uri) => Thenable<vscode.TextDocument>): void {
    panel.webview.options = this.webviewOptions();
    this.attach(panel);
    if (state?.documentUri) {
      findDocument(vscode.Uri.parse(state.documentUri)).then(
        (document) => this.showDocument(document),
        () => undefined,
      );
    }
  }

  /** Shows `document` if it is the panel's document or the panel should follow it. */
  showDocument(document: vscode.TextDocument): void {
    this.documentUri = document.uri;
    if (this.panel) this.panel.title = `GAN Studio — ${document.uri.path.split('/').pop()}`;
    this.refresh(document);
  }

  /** Re-sends the diagram of `document` if the panel shows it. */
  refresh(document: vscode.TextDocument): void {
    if (!this.panel || document.uri.toString() !== this.documentUri?.toString()) return;
    const analysis = this.cache.get(document);
    const fileName = document.uri.path.split('/').pop() ?? document.uri.toString();
    const key = document.uri.toString();
    const syntax = analysis.problems.find((p) => p.origin === 'syntax');
    if (syntax && this.lastGood.has(key)) {
      const at = document.positionAt(syntax.start);
      this.post({ type: 'diagram', model: this.lastGood.get(key)!, stale: true, banner: `Line ${at.line + 1}, column ${at.character + 1}: ${syntax.message} The diagram shows the last version that parsed.` });
      return;
    }
    const model = toDiagramModel(analysis, key, fileName);
    if (!syntax) this.lastGood.set(key, model);
    this.post({ type: 'diagram', model, stale: false, banner: syntax ? `Line ${document.positionAt(syntax.start).line + 1}: ${syntax.message}` : undefined });
  }

  post(message: HostToWebview): void {
    if (!this.panel) return;
    if (!this.ready) {
      // Keep only the latest message of each type: a hidden panel must not pile up a
      // training run's stream (on `ready`, the training view re-reads history from disk).
      this.queue = this.queue.filter((m) => m.type !== message.type);
      this.queue.push(message);
      return;
    }
    void this.panel.webview.postMessage(message);
  }

  /** Lets the webview load files under `folder` (a runs folder outside the workspace). */
  allowFolder(folder: string): void {
    const inside = [...this.readableFolders].some((root) => folder === root || folder.startsWith(root.endsWith('/') ? root : root + '/'));
    if (inside) return;
    this.readableFolders.add(folder);
    if (this.panel) this.panel.webview.options = this.webviewOptions();
  }

  private webviewOptions(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview'), ...[...this.readableFolders].map((f) => vscode.Uri.file(f))],
    };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.svg');
    panel.webview.html = panelHtml(panel.webview, vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview'));
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: WebviewToHost) => this.receive(message)),
      panel.onDidChangeViewState(() => {
        // A hidden webview is destroyed (retainContextWhenHidden is off, to save memory);
        // when it comes back it reloads, restores its state and says `ready` again.
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => {
        this.panel = undefined;
        this.ready = false;
        this.queue = [];
        this.disposeListeners();
        this.visibilityEmitter.fire(false);
      }),
    );
    this.visibilityEmitter.fire(true);
  }

  private receive(message: WebviewToHost): void {
    switch (message.type) {
      case 'ready': {
        this.ready = true;
        const pending = this.queue;
        this.queue = [];
        for (const m of pending) void this.panel?.webview.postMessage(m);
        // After a reload without a saved document, show the .gan.json the editor shows.
        if (!this.documentUri) {
          const visible = vscode.window.visibleTextEditors.find((e) => isGanDocument(e.document));
          if (visible) this.documentUri = visible.document.uri;
        }
        const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === this.documentUri?.toString());
        if (document) this.showDocument(document);
        break;
      }
      case 'reveal-layer':
        void this.revealLayer(message.role, message.key);
        break;
    }
    this.messageEmitter.fire(message);
  }

  /** Selects a layer's JSON object in the editor (the diagram's node click). */
  private async revealLayer(role: 'generator' | 'discriminator', key: string): Promise<void> {
    if (!this.documentUri) return;
    const document = await vscode.workspace.openTextDocument(this.documentUri);
    const analysis = this.cache.get(document);
    const layer = analysis[role]?.layers.find((l) => l.key === key);
    if (!layer || !analysis.root) return;
    const { findNodeAtLocation } = await import('jsonc-parser');
    const node = findNodeAtLocation(analysis.root, layer.path);
    if (!node) return;
    const range = rangeOfOffsets(document, node.offset, node.offset + node.length);
    const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === document.uri.toString());
    const editor = await vscode.window.showTextDocument(document, { viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One, preserveFocus: false });
    editor.selection = new vscode.Selection(range.start, range.end);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private disposeListeners(): void {
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }

  dispose(): void {
    this.panel?.dispose();
    this.disposeListeners();
    this.messageEmitter.dispose();
    this.visibilityEmitter.dispose();
  }
}
