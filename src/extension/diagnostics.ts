/**
 * Publishes the spec core's problems as diagnostics, debounced while typing.
 *
 * Only semantic problems are published here: VS Code's JSON support already reports
 * syntax errors and, through `contributes.jsonValidation`, the schema's own errors, so
 * publishing those too would underline every mistake twice.
 */
import * as vscode from 'vscode';
import { Problem } from '../spec';
import { Config } from './config';
import { AnalysisCache, isGanDocument, rangeOfOffsets } from './ganDocuments';

const SEVERITY: Record<Problem['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export function toDiagnostic(document: vscode.TextDocument, problem: Problem): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(rangeOfOffsets(document, problem.start, problem.end), problem.message, SEVERITY[problem.severity]);
  diagnostic.source = 'GAN Studio';
  diagnostic.code = problem.code;
  if (problem.code === 'unused-layer') diagnostic.tags = [vscode.DiagnosticTag.Unnecessary];
  return diagnostic;
}

export function registerDiagnostics(context: vscode.ExtensionContext, cache: AnalysisCache, config: Config): void {
  const collection = vscode.languages.createDiagnosticCollection('gan-studio');
  const timers = new Map<string, NodeJS.Timeout>();

  const publish = (document: vscode.TextDocument) => {
    if (!isGanDocument(document)) return;
    const analysis = cache.get(document);
    const semantic = analysis.problems.filter((p) => p.origin === 'semantic');
    collection.set(document.uri, semantic.map((p) => toDiagnostic(document, p)));
  };

  const schedule = (document: vscode.TextDocument) => {
    if (!isGanDocument(document)) return;
    const key = document.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(key, setTimeout(() => {
      timers.delete(key);
      publish(document);
    }, config.diagnosticsDelay));
  };

  context.subscriptions.push(
    collection,
    vscode.workspace.onDidOpenTextDocument(publish),
    vscode.workspace.onDidChangeTextDocument((e) => schedule(e.document)),
    vscode.workspace.onDidCloseTextDocument((d) => {
      clearTimeout(timers.get(d.uri.toString()));
      collection.delete(d.uri);
    }),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  );
  vscode.workspace.textDocuments.forEach(publish);
}
