import type { Color } from 'sharp';
import { defineOp } from '../model/op.js';
import type { NumberListParam } from '../model/param.js';

/** A background colour parameter: R G B or R G B A, each 0..255 (alpha 255 is opaque). */
export const backgroundParam = {
  type: 'numbers',
  lengths: [3, 4],
  min: 0,
  max: 255,
  default: [0, 0, 0, 0],
  description: 'background colour "R G B" or "R G B A", each 0..255 (alpha 255: opaque); on images without alpha, alpha is dropped',
} as const satisfies NumberListParam;

/** A background parameter's value as a sharp colour. */
export function sharpColour(rgba: readonly number[]): Color {
  return { r: rgba[0], g: rgba[1], b: rgba[2], alpha: (rgba.length === 4 ? rgba[3] : 255) / 255 };
}

/**
 * The background as libvips's rotation needs it: libvips rotates our RGBA
 * raster premultiplied and treats the background as premultiplied 8-bit ink
 * (it unpremultiplies it with the image), so we premultiply the colour
 * ourselves, rounded: `round(c · alpha / 255)`.
 */
function premultipliedInk(rgba: readonly number[]): Color {
  const a = rgba.length === 4 ? rgba[3] : 255;
  const ink = (c: number) => Math.round((c * a) / 255);
  return { r: ink(rgba[0]), g: ink(rgba[1]), b: ink(rgba[2]), alpha: a / 255 };
}

/**
 * Rotate clockwise by any angle through sharp's `rotate`. Multiples of 90°
 * are exact (pixels move, no resampling); other angles enlarge the canvas to
 * hold the whole image (bilinear) and fill the corners with `background`
 * (default transparent black: black on images written without alpha). An
 * opaque or fully transparent background is exact; a semi-transparent one
 * (alpha a) has exact alpha, and colour within ceil(255 / (2a)) levels, as
 * libvips stores it premultiplied in 8 bits.
 */
export const rotate = defineOp({
  name: 'rotate',
  kind: 'geometry',
  description: 'Rotate clockwise by angle degrees (libvips); corners filled with background',
  params: {
    angle: { type: 'number', min: -360, max: 360, description: 'clockwise angle in degrees (negative: anticlockwise)' },
    background: backgroundParam,
  },
  size({ angle }, { width, height }) {
    if (angle % 90 === 0) return Math.abs(angle % 180) === 90 ? { width: height, height: width } : { width, height };
    const rad = (angle * Math.PI) / 180;
    const c = Math.abs(Math.cos(rad));
    const s = Math.abs(Math.sin(rad));
    return { width: Math.ceil(width * c + height * s), height: Math.ceil(width * s + height * c) };
  },
  apply: (image, { angle, background }) => image.rotate(angle, { background: premultipliedInk(background) }),
});
