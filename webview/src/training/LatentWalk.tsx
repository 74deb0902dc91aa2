/** Pick two samples of the grid and ask the trainer for the walk between their latent vectors. */
import type { WalkState } from './trainingStore';
import { WalkPlayer } from './WalkPlayer';

interface Props {
  available: boolean;
  /** Why a walk is not available (e.g. pix2pix has no latent vector). */
  reason?: string;
  picks: number[];
  picking: boolean;
  frames: number;
  walk?: WalkState;
  onTogglePicking(): void;
  onFramesChange(frames: number): void;
  onWalk(): void;
}

export function LatentWalk({ available, reason, picks, picking, frames, walk, onTogglePicking, onFramesChange, onWalk }: Props) {
  return (
    <section className="latent-walk" aria-label="Latent walk">
      <header className="section-head">
        <h3>Latent walk</h3>
      </header>
      {!available ? (
        <p className="muted">{reason}</p>
      ) : (
        <>
          <div className="walk-setup">
            <button type="button" className="secondary" aria-pressed={picking} onClick={onTogglePicking} data-testid="walk-pick">
              {picking ? 'Click two samples…' : 'Pick two samples'}
            </button>
            <span className="walk-picks" data-testid="walk-picks">
              <span className="pick-a-label">A {picks[0] !== undefined ? `#${picks[0]}` : '—'}</span>
              <span className="pick-b-label">B {picks[1] !== undefined ? `#${picks[1]}` : '—'}</span>
            </span>
            <label>
              frames{' '}
              <input type="number" min={2} max={64} value={frames} onChange={(e) => onFramesChange(Math.max(2, Math.min(64, Math.round(Number(e.target.value) || 2))))} />
            </label>
            <button type="button" disabled={picks.length < 2 || walk?.pending} onClick={onWalk} data-testid="walk-go">
              Walk
            </button>
          </div>
          {walk?.pending && <p className="muted" role="status">The trainer is rendering the walk…</p>}
          {walk?.uri && walk.frames !== undefined && <WalkPlayer key={walk.uri} uri={walk.uri} frames={walk.frames} />}
        </>
      )}
    </section>
  );
}
