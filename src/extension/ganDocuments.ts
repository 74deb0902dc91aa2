/**
 * Which documents are GAN specs, and their analyses — computed once per document version
 * and shared by diagnostics, hover, CodeLens and the panel.
 */
import * as vscode from 'vscode';
import { Analysis, analyzeText } from '../spec';
import { NetworkInfo, NetworkRole, LayerInfo } from '../spec';
import { findNodeAtOffset, getNodePath } from 'jsonc-parser';

export function isGanDocument(document: vscode.TextDocument): boolean {
  return document.fileName.endsWith('.gan.json') || document.uri.path.endsWith('.gan.json');
}

export class AnalysisCache implements vscode.Disposable {
  private readonly entries = new Map<string, { version: number; analysis: Analysis }>();
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.subscription = vscode.workspace.onDidCloseTextDocument((d) => this.entries.delete(d.uri.toString()));
  }

  get(document: vscode.TextDocument): Analysis {
    const key = document.uri.toString();
    const cached = this.entries.get(key);
    if (cached && cached.version === document.version) return cached.analysis;
    const analysis = analyzeText(document.getText());
    this.entries.set(key, { version: document.version, analysis });
    return analysis;
  }

  dispose(): void {
    this.subscription.dispose();
    this.entries.clear();
  }
}

/** The layer (if any) whose JSON object contains `offset`. */
export function layerAtOffset(analysis: Analysis, offset: number): { network: NetworkInfo; layer: LayerInfo } | undefined {
  if (!analysis.root) return undefined;
  const node = findNodeAtOffset(analysis.root, offset, true);
  if (!node) return undefined;
  const path = getNodePath(node);
  if ((path[0] !== 'generator' && path[0] !== 'discriminator') || path[1] !== 'layers' || typeof path[2] !== 'number') return undefined;
  const network = analysis[path[0] as NetworkRole];
  const layer = network?.layers[path[2]];
  return network && layer ? { network, layer } : undefined;
}

export function rangeOfOffsets(document: vscode.TextDocument, start: number, end: number): vscode.Range {
  return new vscode.Range(document.positionAt(start), document.positionAt(end));
}
