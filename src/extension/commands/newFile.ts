/**
 * "GAN Studio: New GAN File…": pick one of the shipped examples as a template, choose
 * where to save it, and open it. Relative data paths are rewritten to point at the
 * extension's own copy, so the new file trains as it is where that data exists.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { analyzeText } from '../../spec';

interface Template extends vscode.QuickPickItem {
  file: vscode.Uri;
}

export function registerNewFileCommand(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand('ganStudio.newFile', () => newGanFile(context.extensionUri)));
}

export async function listTemplates(extensionUri: vscode.Uri): Promise<Template[]> {
  const folder = vscode.Uri.joinPath(extensionUri, 'examples');
  const entries = await vscode.workspace.fs.readDirectory(folder);
  const templates: Template[] = [];
  for (const [name] of entries.filter(([n]) => n.endsWith('.gan.json')).sort()) {
    const file = vscode.Uri.joinPath(folder, name);
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
    const analysis = analyzeText(text);
    const title = typeof analysis.spec?.name === 'string' ? analysis.spec.name : name;
    const g = analysis.generator?.trainableParams ?? 0;
    const d = analysis.discriminator?.trainableParams ?? 0;
    templates.push({ label: title, description: name, detail: `G ${g.toLocaleString('en-US')} · D ${d.toLocaleString('en-US')} parameters — ${analysis.spec?.description ?? ''}`, file });
  }
  return templates;
}

/** The template's text, ready to live elsewhere: no relative `$schema`, data paths made absolute. */
export function adaptTemplate(text: string, templateFolder: string): string {
  return text
    .replace(/^\s*"\$schema":.*\n/m, '')
    .replace(/"(images|labels|folder|folderA|folderB)": "([^"/][^"]*)"/g, (_, key: string, value: string) => `"${key}": ${JSON.stringify(path.join(templateFolder, value))}`);
}

/** `x`, `x.json`, `x.gan.json` and a dialog's `x.gan.json.gan.json` all become `x.gan.json`. */
export function ganFilePath(file: string): string {
  const collapsed = file.replace(/(\.gan\.json)+$/, '.gan.json');
  return collapsed.endsWith('.gan.json') ? collapsed : collapsed.replace(/\.json$/, '') + '.gan.json';
}

async function newGanFile(extensionUri: vscode.Uri): Promise<void> {
  const templates = await listTemplates(extensionUri);
  const picked = await vscode.window.showQuickPick(templates, { title: 'New GAN File', placeHolder: 'Start from an example', matchOnDescription: true, matchOnDetail: true });
  if (!picked) return;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const baseName = path.basename(picked.file.path);
  const target = await vscode.window.showSaveDialog({
    title: 'Save the new GAN file',
    defaultUri: folder ? vscode.Uri.joinPath(folder, baseName) : undefined,
    // Some save dialogs (code-server's) treat only `.json` as the extension: offer both.
    filters: { 'GAN spec': ['gan.json', 'json'] },
  });
  if (!target) return;
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(picked.file));
  const file = target.with({ path: ganFilePath(target.path) });
  await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(adaptTemplate(text, path.dirname(picked.file.fsPath))));
  await vscode.window.showTextDocument(file);
}
