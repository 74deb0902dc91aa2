/**
 * The commands a running trainer obeys, as state the training loop checks between steps:
 * pause/resume (the loop waits at the next step boundary), stop (the loop ends with a
 * checkpoint), sample-now and walk (served after the current step, also while paused).
 */
import type { TrainerCommand } from '../protocol';

export type WalkRequest = Extract<TrainerCommand, { type: 'walk' }>;

export class Controls {
  paused = false;
  stopRequested = false;
  sampleRequested = false;
  readonly walks: WalkRequest[] = [];
  private wake?: () => void;

  handle(command: TrainerCommand): void {
    switch (command.type) {
      case 'pause':
        this.paused = true;
        break;
      case 'resume':
        this.paused = false;
        break;
      case 'stop':
        this.stopRequested = true;
        this.paused = false;
        break;
      case 'sample-now':
        this.sampleRequested = true;
        break;
      case 'walk':
        this.walks.push(command);
        break;
    }
    this.wake?.();
  }

  /**
   * At a step boundary: when a pause was asked for, reports it (`onPause`), serves sample
   * and walk requests while waiting, and reports the resumption (`onResume`) unless the
   * wait ended with a stop.
   */
  async waitWhilePaused(serve: () => Promise<void>, onPause: () => void, onResume: () => void): Promise<void> {
    if (!this.paused || this.stopRequested) return;
    onPause();
    while (this.paused && !this.stopRequested) {
      await serve();
      if (!this.paused || this.stopRequested) break;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
    await serve();
    if (!this.stopRequested) onResume();
  }

  takeSampleRequest(): boolean {
    const asked = this.sampleRequested;
    this.sampleRequested = false;
    return asked;
  }
}
