/**
 * A sample image with its layout made visible: class names beside the rows, input | output |
 * target above triplets, and a cell overlay to enlarge a sample or pick it for a walk.
 */
import type { SampleLayout } from '../../../src/protocol';
import { cellGrid, type CellRef } from './sampleCells';
import type { SampleWithUri } from './trainingStore';

interface Props {
  sample: SampleWithUri;
  /** Cells picked for a latent walk, in order (A, B). */
  picks: number[];
  picking: boolean;
  onCell(cell: CellRef): void;
  onNaturalSize(size: { width: number; height: number }): void;
}

function labelFor(layout: SampleLayout, row: number, index: number): string {
  if (layout.kind === 'triplets') return `row ${row + 1}`;
  return layout.kind === 'classRows' ? `class ${layout.classNames[row] ?? row}, sample #${index}` : `sample #${index}`;
}

export function SampleGrid({ sample, picks, picking, onCell, onNaturalSize }: Props) {
  const grid = cellGrid(sample.layout);
  if (!grid) return null;
  const layout = sample.layout;
  const cells: CellRef[] = [];
  if (grid.unit === 'row') for (let row = 0; row < grid.rows; row++) cells.push({ index: row, row, column: 0 });
  else for (let row = 0; row < grid.rows; row++) for (let column = 0; column < grid.columns; column++) cells.push({ index: row * grid.columns + column, row, column });

  return (
    <figure className={`sample-figure layout-${layout.kind}${picking ? ' picking' : ''}`} data-testid="sample-figure">
      {layout.kind === 'triplets' && (
        <div className="column-labels" aria-hidden="true">
          <span>input</span>
          <span>output</span>
          <span>target</span>
        </div>
      )}
      <div className="sample-body">
        {layout.kind === 'classRows' && (
          <div className="row-labels" data-testid="row-labels">
            {Array.from({ length: grid.rows }, (_, row) => (
              <span key={row}>{layout.classNames[row] ?? String(row)}</span>
            ))}
          </div>
        )}
        <div className="sample-image-wrap">
          <img
            className="sample-image"
            src={sample.uri}
            alt={`Samples at step ${sample.step}`}
            data-step={sample.step}
            draggable={false}
            onLoad={(e) => onNaturalSize({ width: e.currentTarget.naturalWidth, height: e.currentTarget.naturalHeight })}
          />
          <svg className="sample-overlay" viewBox={`0 0 ${grid.unit === 'row' ? 1 : grid.columns} ${grid.rows}`} preserveAspectRatio="none">
            {cells.map((cell) => {
              const pick = picks.indexOf(cell.index);
              return (
                <rect
                  key={cell.index}
                  className={`cell${pick === 0 ? ' pick-a' : pick === 1 ? ' pick-b' : ''}`}
                  x={grid.unit === 'row' ? 0 : cell.column}
                  y={cell.row}
                  width={1}
                  height={1}
                  vectorEffect="non-scaling-stroke"
                  data-cell={cell.index}
                  role="button"
                  tabIndex={0}
                  aria-label={(picking ? 'Pick ' : 'Enlarge ') + labelFor(layout, cell.row, cell.index)}
                  onClick={() => onCell(cell)}
                  onKeyDown={(event) => {
                    if (event.key === 'Enter' || event.key === ' ') {
                      event.preventDefault();
                      onCell(cell);
                    }
                  }}
                >
                  <title>{(pick === 0 ? 'A: ' : pick === 1 ? 'B: ' : '') + labelFor(layout, cell.row, cell.index)}</title>
                </rect>
              );
            })}
          </svg>
        </div>
      </div>
    </figure>
  );
}
