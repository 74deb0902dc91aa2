/**
 * GAN Lab's picture of a 2-D GAN: the discriminator's verdict as a heat map over the plane
 * (towards the real colour where D says "real"), the real points and the generated points.
 */
import { useEffect, useRef, useState } from 'react';
import type { Points2dSample } from '../../../src/protocol';
import { useTheme, type ThemeColors } from '../theme';
import { usePoints2d } from './usePoints2d';

interface Props {
  uri: string;
  step: number;
}

type Rgb = [number, number, number];

let probe: CanvasRenderingContext2D | null | undefined;
/** Any CSS colour → RGB, by letting a canvas parse it. */
function toRgb(color: string): Rgb {
  probe ??= document.createElement('canvas').getContext('2d', { willReadFrequently: true });
  if (!probe) return [128, 128, 128];
  probe.clearRect(0, 0, 1, 1);
  probe.fillStyle = color;
  probe.fillRect(0, 0, 1, 1);
  const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
  return [r, g, b];
}

function draw(canvas: HTMLCanvasElement, sample: Points2dSample, theme: ThemeColors): void {
  const dpr = window.devicePixelRatio || 1;
  const size = canvas.clientWidth;
  canvas.width = Math.round(size * dpr);
  canvas.height = Math.round(size * dpr);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, size, size);
  const { resolution, values, bounds } = sample.heatmap;
  const real = toRgb(theme.green);
  const fake = toRgb(theme.purple);

  // The heat map: one pixel per grid value, then scaled up smoothly.
  if (resolution > 0 && values.length >= resolution * resolution) {
    const heat = document.createElement('canvas');
    heat.width = resolution;
    heat.height = resolution;
    const hctx = heat.getContext('2d');
    if (hctx) {
      const image = hctx.createImageData(resolution, resolution);
      for (let i = 0; i < resolution * resolution; i++) {
        const p = Math.min(1, Math.max(0, values[i]));
        const [r, g, b] = p >= 0.5 ? real : fake;
        image.data[4 * i] = r;
        image.data[4 * i + 1] = g;
        image.data[4 * i + 2] = b;
        image.data[4 * i + 3] = Math.round(Math.abs(p - 0.5) * 2 * 150);
      }
      hctx.putImageData(image, 0, 0);
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(heat, 0, 0, size, size);
    }
  }

  const sx = (x: number) => ((x - bounds.xMin) / (bounds.xMax - bounds.xMin || 1)) * size;
  const sy = (y: number) => size - ((y - bounds.yMin) / (bounds.yMax - bounds.yMin || 1)) * size;

  // The axes through the origin, when it is in view.
  ctx.strokeStyle = theme.grid;
  ctx.lineWidth = 1;
  ctx.beginPath();
  if (bounds.xMin < 0 && bounds.xMax > 0) {
    ctx.moveTo(sx(0), 0);
    ctx.lineTo(sx(0), size);
  }
  if (bounds.yMin < 0 && bounds.yMax > 0) {
    ctx.moveTo(0, sy(0));
    ctx.lineTo(size, sy(0));
  }
  ctx.stroke();

  const dots = (points: [number, number][], color: string, radius: number, outline: boolean) => {
    ctx.fillStyle = color;
    ctx.strokeStyle = theme.background;
    ctx.lineWidth = 0.75;
    for (const [x, y] of points) {
      ctx.beginPath();
      ctx.arc(sx(x), sy(y), radius, 0, 2 * Math.PI);
      ctx.fill();
      if (outline) ctx.stroke();
    }
  };
  ctx.globalAlpha = 0.85;
  dots(sample.real, theme.green, 2.5, true);
  dots(sample.fake, theme.purple, 2.5, true);
  ctx.globalAlpha = 1;
  ctx.strokeStyle = theme.grid;
  ctx.strokeRect(0.5, 0.5, size - 1, size - 1);
}

export function Points2dView({ uri, step }: Props) {
  const theme = useTheme();
  const { sample, error } = usePoints2d(uri);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);

  useEffect(() => {
    const element = canvas.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (canvas.current && sample && width > 0) {
      draw(canvas.current, sample, theme);
      canvas.current.dataset.drawnStep = String(sample.step);
    }
  }, [sample, theme, width]);

  const b = sample?.heatmap.bounds;
  return (
    <figure className="points2d" data-testid="points2d" data-step={sample?.step ?? ''} data-real={sample?.real.length ?? 0} data-fake={sample?.fake.length ?? 0} data-requested-step={step}>
      <canvas ref={canvas} className="points2d-canvas" role="img" aria-label={sample ? `Step ${sample.step}: ${sample.real.length} real and ${sample.fake.length} generated points over D's verdict` : 'Loading the 2-D sample'} />
      {b && (
        <div className="points2d-bounds muted">
          x {b.xMin}…{b.xMax}, y {b.yMin}…{b.yMax}
        </div>
      )}
      <figcaption className="points2d-legend">
        <span className="legend-item">
          <svg width="10" height="10" aria-hidden="true">
            <circle cx="5" cy="5" r="4" fill={theme.green} />
          </svg>
          real
        </span>
        <span className="legend-item">
          <svg width="10" height="10" aria-hidden="true">
            <circle cx="5" cy="5" r="4" fill={theme.purple} />
          </svg>
          generated
        </span>
        <span className="legend-item">
          <svg width="72" height="10" aria-hidden="true">
            <defs>
              <linearGradient id="points2d-heat">
                <stop offset="0" stopColor={theme.purple} stopOpacity="0.6" />
                <stop offset="0.5" stopColor={theme.background} stopOpacity="0" />
                <stop offset="1" stopColor={theme.green} stopOpacity="0.6" />
              </linearGradient>
            </defs>
            <rect width="72" height="10" fill="url(#points2d-heat)" />
          </svg>
          D(x): fake … real
        </span>
        {error && <span className="error-text">Could not load this sample: {error}</span>}
      </figcaption>
    </figure>
  );
}
