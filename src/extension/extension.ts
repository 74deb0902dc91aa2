/**
 * GAN Studio's entry point: the only layer that imports `vscode`. Each feature registers
 * itself with `register…(context, …)`; everything it creates is owned by
 * `context.subscriptions` and disposed with the extension.
 */
import * as vscode from 'vscode';
import { registerCodeLens } from './codeLens';
import { registerBackendCommands } from './commands/backend';
import { registerNewFileCommand } from './commands/newFile';
import { Config } from './config';
import { registerDiagnostics } from './diagnostics';
import { AnalysisCache } from './ganDocuments';
import { registerHover } from './hover';
import { GanPanel } from './panel/ganPanel';
import { registerPanel } from './panel/register';
import { TrainingController } from './training/trainingController';
import { registerTrainingPanel } from './training/trainingPanel';

export interface GanStudioApi {
  /** For tests: the panel, to look at what it shows. */
  panel: GanPanel;
  cache: AnalysisCache;
  training: TrainingController;
}

export function activate(context: vscode.ExtensionContext): GanStudioApi {
  const config = new Config();
  const cache = new AnalysisCache();
  const output = vscode.window.createOutputChannel('GAN Studio', { log: true });
  const panel = new GanPanel(context.extensionUri, cache);
  context.subscriptions.push(cache, output, panel);

  registerDiagnostics(context, cache, config);
  registerHover(context, cache);
  registerCodeLens(context, cache);
  registerNewFileCommand(context);
  registerPanel(context, panel, cache, config);
  registerBackendCommands(context, config, output);
  const training = new TrainingController(context, config, cache, output);
  training.register();
  registerTrainingPanel(context, panel, training, config);

  output.info(`GAN Studio ${context.extension.packageJSON.version} activated.`);
  return { panel, cache, training };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
