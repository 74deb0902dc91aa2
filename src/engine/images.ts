/**
 * Drawing sample images: generator outputs (NHWC floats in [−1, 1]) pasted into grids and
 * strips of 8-bit pixels, encoded as PNG by sharp. Also a plain scatter-plot renderer for
 * 2-D samples, so `gan-studio sample` can show a toy GAN as a picture.
 */
import sharp from 'sharp';
import type { Points2dSample } from '../protocol';

/** A batch of images as the generator makes them: `count·height·width·channels` values in [−1, 1]. */
export interface ImageBatch {
  data: Float32Array;
  count: number;
  height: number;
  width: number;
  channels: number;
}

/** 8-bit pixels, row-major, `channels` per pixel (1 = grey, 3 = RGB). */
export interface Canvas {
  width: number;
  height: number;
  channels: 1 | 3;
  pixels: Uint8Array;
}

const BACKGROUND = 40;

export function makeCanvas(width: number, height: number, channels: 1 | 3, fill = BACKGROUND): Canvas {
  return { width, height, channels, pixels: new Uint8Array(width * height * channels).fill(fill) };
}

function toByte(value: number): number {
  // [−1, 1] → [0, 255]; NaN (a diverged generator) shows as black.
  const v = Math.round((value + 1) * 127.5);
  return Number.isNaN(v) ? 0 : v < 0 ? 0 : v > 255 ? 255 : v;
}

/**
 * Pastes image `index` of a batch at (x, y). Grey images go into RGB canvases as grey;
 * 2-channel images show their first channel; RGBA images drop alpha.
 */
export function pasteImage(canvas: Canvas, batch: ImageBatch, index: number, x: number, y: number): void {
  const { height, width, channels } = batch;
  const base = index * height * width * channels;
  for (let row = 0; row < height; row++) {
    const cy = y + row;
    if (cy < 0 || cy >= canvas.height) continue;
    for (let col = 0; col < width; col++) {
      const cx = x + col;
      if (cx < 0 || cx >= canvas.width) continue;
      const source = base + (row * width + col) * channels;
      const target = (cy * canvas.width + cx) * canvas.channels;
      if (canvas.channels === 1) {
        canvas.pixels[target] = toByte(batch.data[source]);
      } else if (channels >= 3) {
        for (let c = 0; c < 3; c++) canvas.pixels[target + c] = toByte(batch.data[source + c]);
      } else {
        const grey = toByte(batch.data[source]);
        canvas.pixels[target] = canvas.pixels[target + 1] = canvas.pixels[target + 2] = grey;
      }
    }
  }
}

export const GRID_PADDING = 2;

/** Images of a batch in a rows × columns grid (row-major), `padding` pixels apart and around. */
export function gridCanvas(batch: ImageBatch, rows: number, columns: number, padding = GRID_PADDING): Canvas {
  const canvas = makeCanvas(columns * (batch.width + padding) + padding, rows * (batch.height + padding) + padding, batch.channels === 1 ? 1 : 3);
  for (let i = 0; i < Math.min(batch.count, rows * columns); i++) {
    const row = Math.floor(i / columns);
    const col = i % columns;
    pasteImage(canvas, batch, i, padding + col * (batch.width + padding), padding + row * (batch.height + padding));
  }
  return canvas;
}

/** pix2pix rows: input | output | target, one row per example. */
export function tripletCanvas(inputs: ImageBatch, outputs: ImageBatch, targets: ImageBatch, padding = GRID_PADDING): Canvas {
  const rows = Math.min(inputs.count, outputs.count, targets.count);
  const cellWidth = Math.max(inputs.width, outputs.width, targets.width);
  const cellHeight = Math.max(inputs.height, outputs.height, targets.height);
  const allGrey = [inputs, outputs, targets].every((b) => b.channels === 1);
  const canvas = makeCanvas(3 * (cellWidth + padding) + padding, rows * (cellHeight + padding) + padding, allGrey ? 1 : 3);
  for (let i = 0; i < rows; i++) {
    [inputs, outputs, targets].forEach((batch, col) => pasteImage(canvas, batch, i, padding + col * (cellWidth + padding), padding + i * (cellHeight + padding)));
  }
  return canvas;
}

export async function encodePng(canvas: Canvas): Promise<Buffer> {
  return sharp(Buffer.from(canvas.pixels.buffer, canvas.pixels.byteOffset, canvas.pixels.byteLength), {
    raw: { width: canvas.width, height: canvas.height, channels: canvas.channels },
  })
    // Grey stays one channel (sharp would otherwise write RGB).
    .toColourspace(canvas.channels === 1 ? 'b-w' : 'srgb')
    .png({ compressionLevel: 6 })
    .toBuffer();
}

/**
 * A 2-D sample as a picture: D's probability as the background (dark = fake, light = real),
 * real points in green, generated points in orange.
 */
export function pointsCanvas(sample: Points2dSample, size = 480): Canvas {
  const canvas = makeCanvas(size, size, 3, 0);
  const { bounds, resolution, values } = sample.heatmap;
  for (let y = 0; y < size; y++) {
    const row = Math.min(resolution - 1, Math.floor((y / size) * resolution));
    for (let x = 0; x < size; x++) {
      const col = Math.min(resolution - 1, Math.floor((x / size) * resolution));
      const p = values[row * resolution + col] ?? 0.5;
      const at = (y * size + x) * 3;
      // Blue-ish for "fake", warm grey for "real".
      canvas.pixels[at] = Math.round(30 + 120 * p);
      canvas.pixels[at + 1] = Math.round(30 + 110 * p);
      canvas.pixels[at + 2] = Math.round(90 + 40 * p);
    }
  }
  const plot = (points: [number, number][], colour: [number, number, number], radius: number) => {
    for (const [px, py] of points) {
      const cx = Math.round(((px - bounds.xMin) / (bounds.xMax - bounds.xMin)) * (size - 1));
      const cy = Math.round(((bounds.yMax - py) / (bounds.yMax - bounds.yMin)) * (size - 1));
      for (let dy = -radius; dy <= radius; dy++)
        for (let dx = -radius; dx <= radius; dx++) {
          const x = cx + dx;
          const y = cy + dy;
          if (x < 0 || y < 0 || x >= size || y >= size || dx * dx + dy * dy > radius * radius) continue;
          canvas.pixels.set(colour, (y * size + x) * 3);
        }
    }
  };
  plot(sample.real, [80, 220, 100], 2);
  plot(sample.fake, [255, 150, 40], 2);
  return canvas;
}
