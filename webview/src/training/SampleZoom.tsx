/** One sample (or a pix2pix row) enlarged in a modal dialog, cut from the grid image. */
import { useEffect, useRef } from 'react';
import type { SampleLayout } from '../../../src/protocol';
import { cellCaption, cellGrid, type CellRef } from './sampleCells';

interface Props {
  uri: string;
  step: number;
  layout: SampleLayout;
  cell: CellRef;
  natural: { width: number; height: number };
  onClose(): void;
}

export function SampleZoom({ uri, step, layout, cell, natural, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);
  const grid = cellGrid(layout);
  if (!grid) return null;
  const cellHeight = natural.height / grid.rows;
  const cellWidth = grid.unit === 'row' ? natural.width : natural.width / grid.columns;
  const viewBox = `${grid.unit === 'row' ? 0 : cell.column * cellWidth} ${cell.row * cellHeight} ${cellWidth} ${cellHeight}`;
  return (
    <dialog ref={dialog} className="sample-zoom" onClose={onClose} onClick={(e) => e.target === dialog.current && dialog.current?.close()} data-testid="sample-zoom">
      <header>
        <span>
          Step {step} · {cellCaption(layout, cell)}
        </span>
        <button type="button" className="icon-button" aria-label="Close" onClick={() => dialog.current?.close()}>
          ✕
        </button>
      </header>
      <svg className={`zoomed-sample unit-${grid.unit}`} viewBox={viewBox} preserveAspectRatio="xMidYMid meet" role="img" aria-label={cellCaption(layout, cell)}>
        <image href={uri} width={natural.width} height={natural.height} preserveAspectRatio="none" />
      </svg>
    </dialog>
  );
}
