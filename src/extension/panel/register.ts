/**
 * Wires the panel into VS Code: the Show Architecture and Export Diagram commands, the
 * serializer that brings the panel back after a reload, and the listeners that keep it
 * in step with the editor (follow the active .gan.json, live updates, cursor ⇄ node).
 */
import * as vscode from 'vscode';
import type { WebviewToHost } from '../../protocol';
import { Config } from '../config';
import { AnalysisCache, isGanDocument, layerAtOffset } from '../ganDocuments';
import { GanPanel, PANEL_VIEW_TYPE, PersistedPanelState } from './ganPanel';

export function registerPanel(context: vscode.ExtensionContext, panel: GanPanel, cache: AnalysisCache, config: Config): void {
  const activeGanDocument = (): vscode.TextDocument | undefined => {
    const document = vscode.window.activeTextEditor?.document;
    return document && isGanDocument(document) ? document : undefined;
  };

  const updateContext = () => {
    void vscode.commands.executeCommand('setContext', 'ganStudio.ganFileOpen', activeGanDocument() !== undefined || panel.currentDocumentUri !== undefined);
    void vscode.commands.executeCommand('setContext', 'ganStudio.panelOpen', panel.isOpen);
  };

  let refreshTimer: NodeJS.Timeout | undefined;

  /** Highlights the node of the layer under the editor's cursor (or none). */
  const highlightAtCursor = (editor: vscode.TextEditor) => {
    const document = editor.document;
    if (!panel.isOpen || !isGanDocument(document) || document.uri.toString() !== panel.currentDocumentUri?.toString()) return;
    const found = layerAtOffset(cache.get(document), document.offsetAt(editor.selection.active));
    panel.post({ type: 'highlight', role: found?.network.role ?? 'generator', key: found?.layer.key });
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('ganStudio.showArchitecture', async (uri?: vscode.Uri) => {
      const document = uri ? await vscode.workspace.openTextDocument(uri) : activeGanDocument() ?? (panel.currentDocumentUri ? await vscode.workspace.openTextDocument(panel.currentDocumentUri) : undefined);
      if (!document) {
        void vscode.window.showInformationMessage('Open a .gan.json file to see its architecture.');
        return;
      }
      panel.show(document, 'architecture');
      updateContext();
    }),

    vscode.commands.registerCommand('ganStudio.exportDiagram', async (format?: 'svg' | 'png') => {
      if (!panel.isOpen) {
        void vscode.window.showInformationMessage('Open the architecture diagram first (GAN Studio: Show Architecture).');
        return;
      }
      const chosen = format ?? (await vscode.window.showQuickPick(['svg', 'png'], { title: 'Export the diagram as' })) as 'svg' | 'png' | undefined;
      if (!chosen) return;
      panel.post({ type: 'export-request', format: chosen });
    }),

    panel.onDidReceiveMessage((message: WebviewToHost) => {
      if (message.type === 'exported') {
        void saveExport(message.format, message.data, panel.currentDocumentUri);
      }
    }),

    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(webviewPanel, state: PersistedPanelState | undefined) {
        panel.revive(webviewPanel, state, (uri) => vscode.workspace.openTextDocument(uri));
        updateContext();
      },
    }),

    // Follow the active .gan.json editor.
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (editor && isGanDocument(editor.document) && panel.isOpen) {
        panel.showDocument(editor.document);
        highlightAtCursor(editor);
      }
      updateContext();
    }),

    // Live: redraw after typing pauses.
    vscode.workspace.onDidChangeTextDocument((event) => {
      if (!isGanDocument(event.document) || !panel.isOpen) return;
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(() => panel.refresh(event.document), config.diagnosticsDelay);
    }),

    // Cursor in a layer → highlight its node.
    vscode.window.onDidChangeTextEditorSelection((event) => highlightAtCursor(event.textEditor)),

    panel.onDidChangeOpen(updateContext),
    { dispose: () => clearTimeout(refreshTimer) },
  );
  updateContext();
}

async function saveExport(format: 'svg' | 'png', data: string, documentUri: vscode.Uri | undefined): Promise<void> {
  const base = documentUri ? documentUri.path.replace(/\.gan\.json$/, '') : 'gan';
  const defaultUri = documentUri ? documentUri.with({ path: `${base}.${format}` }) : undefined;
  const target = await vscode.window.showSaveDialog({ title: `Save the diagram as ${format.toUpperCase()}`, defaultUri, filters: { [format.toUpperCase()]: [format] } });
  if (!target) return;
  const bytes = format === 'svg' ? new TextEncoder().encode(data) : Buffer.from(data.replace(/^data:image\/png;base64,/, ''), 'base64');
  await vscode.workspace.fs.writeFile(target, bytes);
  const open = await vscode.window.showInformationMessage(`Saved the diagram to ${vscode.workspace.asRelativePath(target)}.`, 'Open');
  if (open) await vscode.commands.executeCommand('vscode.open', target);
}
