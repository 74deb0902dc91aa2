/** The samples of the shown run: the scrubber, the grid or 2-D view of the chosen step, enlarging, and the walk. */
import { useCallback, useState } from 'react';
import { updatePersistedState, usePersistedState, type PersistedState } from '../state';
import { LatentWalk } from './LatentWalk';
import { Points2dView } from './Points2dView';
import { cellGrid, hasLatentCells, type CellRef } from './sampleCells';
import { SampleGrid } from './SampleGrid';
import { SampleScrubber } from './SampleScrubber';
import { SampleZoom } from './SampleZoom';
import type { ShownRun, TrainingStore, WalkState } from './trainingStore';

interface Props {
  store: TrainingStore;
  shown: ShownRun;
  walk?: WalkState;
}

const selectSampleStep = (s: PersistedState) => s.sampleStep;

export function SamplesPanel({ store, shown, walk }: Props) {
  const pinned = usePersistedState(selectSampleStep);
  const [picks, setPicks] = useState<number[]>([]);
  const [picking, setPicking] = useState(false);
  const [frames, setFrames] = useState(16);
  const [zoomed, setZoomed] = useState<CellRef>();
  const [natural, setNatural] = useState<{ width: number; height: number }>();
  const runId = shown.run.id;
  const samples = shown.samples;
  const steps = samples.map((s) => s.step);

  const following = !pinned || pinned.runId !== runId;
  let index = samples.length - 1;
  if (!following) {
    // The pinned step, or the last one before it.
    index = 0;
    for (let i = 0; i < steps.length; i++) if (steps[i] <= pinned.step) index = i;
  }
  const sample = samples[index];

  const onScrub = useCallback(
    (i: number, follow: boolean) => updatePersistedState({ sampleStep: follow ? undefined : { runId, step: steps[i] } }),
    [runId, steps.join()],
  );

  const onCell = (cell: CellRef) => {
    if (picking && sample && hasLatentCells(sample.layout)) {
      const next = [...picks.filter((p) => p !== cell.index), cell.index].slice(-2);
      setPicks(next);
      if (next.length === 2) setPicking(false);
    } else {
      setZoomed(cell);
    }
  };

  if (!sample) {
    return (
      <section className="samples" aria-label="Samples">
        <header className="section-head">
          <h3>Samples</h3>
        </header>
        <p className="muted">No samples yet: the trainer writes one at every sample step (and on "Sample now").</p>
      </section>
    );
  }

  const walkAvailable = hasLatentCells(sample.layout);
  return (
    <>
      <section className="samples" aria-label="Samples">
        <header className="section-head">
          <h3>Samples</h3>
          {cellGrid(sample.layout) && <span className="muted">{picking ? 'click two samples for the walk' : 'click a sample to enlarge'}</span>}
        </header>
        <SampleScrubber steps={steps} index={index} following={following} onChange={onScrub} />
        {sample.layout.kind === 'points2d' ? (
          <Points2dView uri={sample.uri} step={sample.step} />
        ) : (
          <SampleGrid sample={sample} picks={picks} picking={picking} onCell={onCell} onNaturalSize={setNatural} />
        )}
        {zoomed && natural && <SampleZoom uri={sample.uri} step={sample.step} layout={sample.layout} cell={zoomed} natural={natural} onClose={() => setZoomed(undefined)} />}
      </section>
      <LatentWalk
        available={walkAvailable}
        reason={
          sample.layout.kind === 'triplets'
            ? 'pix2pix maps an input image to an output: there is no latent vector to walk.'
            : 'A 2-D GAN shows its whole generator in the 2-D view above.'
        }
        picks={picks}
        picking={picking}
        frames={frames}
        walk={walk?.runId === runId ? walk : undefined}
        onTogglePicking={() => {
          if (!picking) setPicks([]);
          setPicking(!picking);
        }}
        onFramesChange={setFrames}
        onWalk={() => store.requestWalk(runId, picks[0], picks[1], frames)}
      />
    </>
  );
}
