/** CodeLens at the top of each .gan.json: open the diagram, train, and the totals at a glance. */
import * as vscode from 'vscode';
import { AnalysisCache, isGanDocument } from './ganDocuments';

const count = (n: number) => n.toLocaleString('en-US');

export function registerCodeLens(context: vscode.ExtensionContext, cache: AnalysisCache): void {
  const changed = new vscode.EventEmitter<void>();
  context.subscriptions.push(
    changed,
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (isGanDocument(e.document)) changed.fire();
    }),
    vscode.languages.registerCodeLensProvider([{ language: 'jsonc', pattern: '**/*.gan.json' }, { language: 'json', pattern: '**/*.gan.json' }], {
      onDidChangeCodeLenses: changed.event,
      provideCodeLenses(document) {
        if (!isGanDocument(document)) return [];
        const top = new vscode.Range(0, 0, 0, 0);
        const lenses = [
          new vscode.CodeLens(top, { title: '$(type-hierarchy) Show Architecture', command: 'ganStudio.showArchitecture', arguments: [document.uri] }),
          new vscode.CodeLens(top, { title: '$(play) Train', command: 'ganStudio.train', arguments: [document.uri] }),
        ];
        const analysis = cache.get(document);
        const g = analysis.generator;
        const d = analysis.discriminator;
        if (g?.complete && d?.complete) {
          lenses.push(new vscode.CodeLens(top, { title: `G ${count(g.trainableParams)} · D ${count(d.trainableParams)} parameters`, command: '' }));
        }
        return lenses;
      },
    }),
  );
}
