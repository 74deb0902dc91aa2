/**
 * Hover on a layer: its output shape, parameter counts and inputs. (The key's own
 * documentation comes from the JSON schema through VS Code's JSON support, shown beside.)
 */
import * as vscode from 'vscode';
import { formatShape, LAYER_DOCS } from '../spec';
import { AnalysisCache, isGanDocument, layerAtOffset } from './ganDocuments';

const count = (n: number) => n.toLocaleString('en-US');

export function registerHover(context: vscode.ExtensionContext, cache: AnalysisCache): void {
  context.subscriptions.push(
    vscode.languages.registerHoverProvider([{ language: 'jsonc', pattern: '**/*.gan.json' }, { language: 'json', pattern: '**/*.gan.json' }], {
      provideHover(document, position) {
        if (!isGanDocument(document)) return undefined;
        const analysis = cache.get(document);
        const found = layerAtOffset(analysis, document.offsetAt(position));
        if (!found) return undefined;
        const { network, layer } = found;
        const md = new vscode.MarkdownString();
        const name = layer.id ? `\`${layer.id}\` · ` : '';
        md.appendMarkdown(`**${layer.summary || layer.type}** — ${name}${network.role} layer ${layer.index}\n\n`);
        md.appendMarkdown(`| | |\n|---|---|\n`);
        md.appendMarkdown(`| output shape | \`${layer.outputShape ? formatShape(layer.outputShape) : '? (fix the problems above it)'}\` |\n`);
        md.appendMarkdown(`| trainable parameters | ${count(layer.trainableParams)} |\n`);
        if (layer.nonTrainableParams > 0) md.appendMarkdown(`| non-trainable parameters | ${count(layer.nonTrainableParams)} |\n`);
        md.appendMarkdown(`| inputs | ${layer.inputs.map((i) => `\`${i}\``).join(', ') || '—'} |\n`);
        const docs = LAYER_DOCS[layer.type];
        if (docs) md.appendMarkdown(`\n${docs.markdown}`);
        return new vscode.Hover(md);
      },
    }),
  );
}
