/** The status-bar item while a run trains: step/total, images/s, ETA, backend; click → panel. */
import * as vscode from 'vscode';
import type { MetricPoint } from '../../protocol';

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

export class TrainingStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('ganStudio.training', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = 'GAN Studio training';
    this.item.command = 'ganStudio.showTraining';
  }

  starting(name: string): void {
    this.item.text = `$(loading~spin) GAN: starting ${name}…`;
    this.item.tooltip = 'Loading data and building models';
    this.item.show();
  }

  update(state: { name: string; step: number; totalSteps: number; backend?: string; paused: boolean; latest?: MetricPoint }): void {
    const { step, totalSteps, latest } = state;
    const rate = latest?.stepsPerSecond;
    const eta = rate && rate > 0 ? formatDuration((totalSteps - step) / rate) : '—';
    const images = latest?.imagesPerSecond !== undefined ? `${Math.round(latest.imagesPerSecond)} img/s` : '';
    const icon = state.paused ? '$(debug-pause)' : '$(loading~spin)';
    this.item.text = [`${icon} GAN ${step}/${totalSteps}`, images, state.paused ? 'paused' : `ETA ${eta}`, state.backend].filter(Boolean).join(' · ');
    const md = new vscode.MarkdownString(`**${state.name}** — step ${step} of ${totalSteps}${state.paused ? ' (paused)' : ''}\n\n`);
    if (latest) {
      md.appendMarkdown(`| | |\n|---|---|\n| D loss | ${latest.dLoss.toFixed(4)} |\n| G loss | ${latest.gLoss.toFixed(4)} |\n`);
      for (const [name, value] of Object.entries(latest.parts)) md.appendMarkdown(`| ${name} | ${value.toFixed(4)} |\n`);
      if (latest.dOfReal !== undefined) md.appendMarkdown(`| D(x) | ${latest.dOfReal.toFixed(3)} |\n`);
      if (latest.dOfFake !== undefined) md.appendMarkdown(`| D(G(z)) | ${latest.dOfFake.toFixed(3)} |\n`);
    }
    md.appendMarkdown(`\n${state.backend ? `Backend: ${state.backend}. ` : ''}Click to open the Training view.`);
    this.item.tooltip = md;
    this.item.show();
  }

  hide(): void {
    this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}
