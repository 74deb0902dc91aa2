/** Zoom and pan arithmetic: screen = world × scale + (x, y). */
import type { Viewport } from '../state';
import type { NodeBox } from './layout';

export const MIN_SCALE = 0.05;
export const MAX_SCALE = 4;
const MARGIN = 16;

export interface Size {
  width: number;
  height: number;
}

export function clampScale(scale: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
}

/** Zooms by `factor` keeping the world point under (cx, cy) where it is. */
export function zoomAt(v: Viewport, factor: number, cx: number, cy: number): Viewport {
  const scale = clampScale(v.scale * factor);
  const k = scale / v.scale;
  return { scale, x: cx - (cx - v.x) * k, y: cy - (cy - v.y) * k };
}

/** The whole graph in view, centred, never enlarged past 1.5×. */
export function fitAll(graph: Size, view: Size): Viewport {
  const scale = clampScale(Math.min(1.5, (view.width - 2 * MARGIN) / Math.max(1, graph.width), (view.height - 2 * MARGIN) / Math.max(1, graph.height)));
  return { scale, x: (view.width - graph.width * scale) / 2, y: (view.height - graph.height * scale) / 2 };
}

/**
 * The first view of a graph: all of it when that stays readable, otherwise its width at a
 * readable size from the top, so a 200-layer network opens legible and is panned down.
 */
export function initialViewport(graph: Size, view: Size): Viewport {
  const fit = fitAll(graph, view);
  if (fit.scale >= 0.6) {
    const scale = Math.min(fit.scale, 1);
    return { scale, x: (view.width - graph.width * scale) / 2, y: (view.height - graph.height * scale) / 2 };
  }
  const scale = clampScale(Math.min(1, Math.max(0.6, (view.width - 2 * MARGIN) / Math.max(1, graph.width))));
  return { scale, x: Math.max(MARGIN, (view.width - graph.width * scale) / 2), y: MARGIN };
}

export function isBoxVisible(box: NodeBox, v: Viewport, view: Size): boolean {
  const left = box.x * v.scale + v.x;
  const top = box.y * v.scale + v.y;
  return left >= 0 && top >= 0 && left + box.width * v.scale <= view.width && top + box.height * v.scale <= view.height;
}

export function centreOn(box: NodeBox, v: Viewport, view: Size): Viewport {
  return {
    scale: v.scale,
    x: view.width / 2 - (box.x + box.width / 2) * v.scale,
    y: view.height / 2 - (box.y + box.height / 2) * v.scale,
  };
}
