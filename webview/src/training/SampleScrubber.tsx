/** The step slider over every sample kept, with play/pause and "follow the latest". */
import { useEffect, useRef, useState } from 'react';

interface Props {
  steps: number[];
  index: number;
  following: boolean;
  onChange(index: number, follow: boolean): void;
}

const PLAY_INTERVAL_MS = 500;

export function SampleScrubber({ steps, index, following, onChange }: Props) {
  const [playing, setPlaying] = useState(false);
  const latest = useRef({ index, count: steps.length, onChange });
  latest.current = { index, count: steps.length, onChange };

  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      const { index: i, count, onChange: change } = latest.current;
      if (count > 0) change((i + 1) % count, false);
    }, PLAY_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [playing]);

  const last = steps.length - 1;
  const go = (i: number) => {
    setPlaying(false);
    onChange(Math.max(0, Math.min(last, i)), false);
  };
  return (
    <div className="scrubber" role="group" aria-label="Sample step">
      <button type="button" className="icon-button" aria-label={playing ? 'Pause' : 'Play'} aria-pressed={playing} onClick={() => setPlaying(!playing)} data-testid="scrubber-play">
        {playing ? '❚❚' : '▶'}
      </button>
      <button type="button" className="icon-button" aria-label="Previous sample" disabled={index <= 0} onClick={() => go(index - 1)}>
        ‹
      </button>
      <input
        type="range"
        min={0}
        max={Math.max(0, last)}
        step={1}
        value={index}
        aria-label="Sample step"
        aria-valuetext={`step ${steps[index] ?? 0}`}
        onChange={(e) => go(Number(e.target.value))}
        data-testid="scrubber-slider"
      />
      <button type="button" className="icon-button" aria-label="Next sample" disabled={index >= last} onClick={() => go(index + 1)}>
        ›
      </button>
      <span className="scrubber-step" data-testid="scrubber-step">
        step {steps[index] ?? '—'} <span className="muted">({index + 1}/{steps.length})</span>
      </span>
      <label className="checkbox">
        <input type="checkbox" checked={following} onChange={(e) => onChange(last, e.target.checked)} />
        latest
      </label>
    </div>
  );
}
