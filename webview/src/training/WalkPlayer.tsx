/**
 * A latent walk's frames (one strip image, frames left to right) shown as a strip and as an
 * animation that loops or goes back and forth.
 */
import { useEffect, useState } from 'react';

interface Props {
  uri: string;
  frames: number;
}

type Mode = 'loop' | 'bounce';
const FRAME_MS = 120;

export function WalkPlayer({ uri, frames }: Props) {
  const [natural, setNatural] = useState<{ width: number; height: number }>();
  const [playing, setPlaying] = useState(true);
  const [mode, setMode] = useState<Mode>('bounce');
  const [tick, setTick] = useState(0);
  const count = Math.max(1, frames);

  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => setTick((t) => t + 1), FRAME_MS);
    return () => clearInterval(timer);
  }, [playing]);

  // Back and forth: 0 … n-1 … 1, so the walk never jumps.
  const period = mode === 'loop' || count === 1 ? count : 2 * count - 2;
  const phase = tick % period;
  const frame = mode === 'loop' || phase < count ? phase : period - phase;
  const horizontal = !natural || natural.width >= natural.height;
  const frameWidth = natural ? (horizontal ? natural.width / count : natural.width) : 1;
  const frameHeight = natural ? (horizontal ? natural.height : natural.height / count) : 1;

  return (
    <div className="walk-player" data-testid="walk-player" data-frames={count} data-frame={frame}>
      <div className="walk-stage">
        {natural && (
          <svg className="walk-frame" viewBox={`${horizontal ? frame * frameWidth : 0} ${horizontal ? 0 : frame * frameHeight} ${frameWidth} ${frameHeight}`} role="img" aria-label={`Frame ${frame + 1} of ${count}`}>
            <image href={uri} width={natural.width} height={natural.height} preserveAspectRatio="none" />
          </svg>
        )}
        <div className="walk-controls">
          <button type="button" className="icon-button" aria-label={playing ? 'Pause the walk' : 'Play the walk'} aria-pressed={playing} onClick={() => setPlaying(!playing)}>
            {playing ? '❚❚' : '▶'}
          </button>
          <select aria-label="Animation" value={mode} onChange={(e) => setMode(e.target.value as Mode)}>
            <option value="bounce">back and forth</option>
            <option value="loop">loop</option>
          </select>
          <input type="range" min={0} max={count - 1} value={frame} aria-label="Walk frame" onChange={(e) => {
            setPlaying(false);
            setTick(Number(e.target.value));
          }} />
          <span className="muted">
            {frame + 1}/{count}
          </span>
        </div>
      </div>
      <img className="walk-strip" src={uri} alt={`Latent walk, ${count} frames`} onLoad={(e) => setNatural({ width: e.currentTarget.naturalWidth, height: e.currentTarget.naturalHeight })} data-testid="walk-strip" />
    </div>
  );
}
