/** Where the cells of a sample image are: its layout in rows and columns of equal cells. */
import type { SampleLayout } from '../../../src/protocol';

export interface CellGrid {
  rows: number;
  columns: number;
  /** Triplets are picked and enlarged a row at a time (input | output | target). */
  unit: 'cell' | 'row';
}

export interface CellRef {
  /** Index into the fixed latent batch (row-major), or the row for triplets. */
  index: number;
  row: number;
  column: number;
}

export function cellGrid(layout: SampleLayout): CellGrid | undefined {
  switch (layout.kind) {
    case 'grid':
    case 'classRows':
      return { rows: Math.max(1, layout.rows), columns: Math.max(1, layout.columns), unit: 'cell' };
    case 'triplets':
      return { rows: Math.max(1, layout.rows), columns: 3, unit: 'row' };
    case 'points2d':
      return undefined;
  }
}

/** Whether the cells come from latent vectors a walk can interpolate between. */
export function hasLatentCells(layout: SampleLayout): boolean {
  return layout.kind === 'grid' || layout.kind === 'classRows';
}

export function cellCaption(layout: SampleLayout, cell: CellRef): string {
  if (layout.kind === 'triplets') return `row ${cell.row + 1}: input | output | target`;
  if (layout.kind === 'classRows') return `sample #${cell.index} · class ${layout.classNames[cell.row] ?? cell.row}`;
  return `sample #${cell.index} (row ${cell.row + 1}, column ${cell.column + 1})`;
}
