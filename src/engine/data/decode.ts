/**
 * Decoding one PNG/JPEG into the exact pixels a network sees: resized to `[H, W]`, converted to
 * C channels, as unsigned bytes in HWC order (scaling to [−1, 1] happens when a batch is built,
 * so caches hold 1 byte per value instead of 4).
 */

import sharp from 'sharp';
import type { FitEnum } from 'sharp';
import { DataError } from './types';

export type FitMode = 'cover' | 'contain' | 'stretch';

export interface PixelLayout {
  height: number;
  width: number;
  /** 1 = greyscale, 3 = RGB, 4 = RGBA. */
  channels: 1 | 3 | 4;
}

/** A rectangle of the source image, in source pixels. */
export interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

const SHARP_FIT: Record<FitMode, keyof FitEnum> = { cover: 'cover', contain: 'contain', stretch: 'fill' };
const BLACK = { r: 0, g: 0, b: 0, alpha: 1 };

/** Checks that a spec shape is `[H, W, C]` with C of 1, 3 or 4; `key` names it in the error. */
export function layoutOf(shape: number[] | undefined, key: string): PixelLayout {
  const valid =
    Array.isArray(shape) && shape.length === 3 && shape.every((n) => Number.isInteger(n) && n > 0) && [1, 3, 4].includes(shape[2]);
  if (!valid) {
    throw new DataError(`${key} must be [height, width, channels] with 1 (grey), 3 (RGB) or 4 (RGBA) channels; got ${JSON.stringify(shape)}`);
  }
  return { height: shape[0], width: shape[1], channels: shape[2] as 1 | 3 | 4 };
}

/** Width and height of an encoded image, read from its header. */
export async function imageSize(input: string | Buffer): Promise<{ width: number; height: number }> {
  const { width, height } = await sharp(input).metadata();
  if (!width || !height) throw new Error('the image has no size');
  return { width, height };
}

/**
 * Decodes `input` (a file path or the file's bytes), optionally cuts `region` out of it first,
 * fits it to `layout` with `fit` (cover: scale and centre-crop; contain: scale and pad with black;
 * stretch: scale each axis) and returns `H·W·C` bytes. Throws sharp's error for a corrupt image.
 */
export async function decodeImage(input: string | Buffer, layout: PixelLayout, fit: FitMode, region?: Region): Promise<Uint8Array> {
  let pipeline = sharp(input);
  // A photo's EXIF orientation is honoured, except when cutting a region, whose coordinates
  // refer to the image as stored (the pix2pix A|B files).
  pipeline = region ? pipeline.extract(region) : pipeline.rotate();
  pipeline = pipeline.resize(layout.width, layout.height, { fit: SHARP_FIT[fit], position: 'centre', background: BLACK });
  if (layout.channels === 4) {
    pipeline = pipeline.toColourspace('srgb').ensureAlpha();
  } else {
    // Transparent pixels become black rather than whatever colour they happen to store.
    pipeline = pipeline.flatten({ background: BLACK }).toColourspace(layout.channels === 1 ? 'b-w' : 'srgb');
  }
  const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.width !== layout.width || info.height !== layout.height || info.channels !== layout.channels) {
    throw new Error(`decoded to ${info.width}×${info.height}×${info.channels} instead of ${layout.width}×${layout.height}×${layout.channels}`);
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
