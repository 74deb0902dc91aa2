/** Typed access to the `ganStudio.*` settings (one place that knows their names and defaults). */
import * as vscode from 'vscode';

export type BackendSetting = 'auto' | 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu';

export class Config {
  private get section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration('ganStudio');
  }

  get backend(): BackendSetting {
    return this.section.get<BackendSetting>('backend', 'auto');
  }

  get runsFolder(): string {
    return this.section.get<string>('runsFolder', '.gan-runs');
  }

  get sampleEvery(): number | undefined {
    return this.section.get<number | null>('sampleEvery') ?? undefined;
  }

  get checkpointEvery(): number | undefined {
    return this.section.get<number | null>('checkpointEvery') ?? undefined;
  }

  /** 0 = automatic (both cores where it pays), else the number of data-parallel workers. */
  get workers(): number {
    return this.section.get<number>('workers', 0);
  }

  get smoothing(): number {
    return this.section.get<number>('smoothing', 0.6);
  }

  get nodePath(): string {
    return this.section.get<string>('nodePath', '');
  }

  get nativeBackendPath(): string {
    return this.section.get<string>('nativeBackendPath', '');
  }

  get diagnosticsDelay(): number {
    return this.section.get<number>('diagnosticsDelay', 150);
  }

  async setBackend(value: BackendSetting): Promise<void> {
    await this.section.update('backend', value, vscode.ConfigurationTarget.Global);
  }
}
