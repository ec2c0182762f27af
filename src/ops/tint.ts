import { defineOp } from '../model/op.js';
import { channelsOf } from '../model/view.js';
import { LUMA_B16, LUMA_G16, LUMA_R16, pixelWords } from '../kernels/matrix.js';

/**
 * Tint (monochrome in a colour): `out_c = round(Y · t_c / 255)` (half up) with
 * `Y = (13933 R + 46871 G + 4732 B) / 65536` the Rec. 709 luma (unrounded) and
 * t = (r, g, b) the target colour, so white becomes t, black stays black and
 * `tint:r=255,g=255,b=255` equals `grayscale` exactly. Evaluated as
 * `floor(Y16 · t_c / (255 · 65536) + 0.5 + 1e-9)` in float64, which is exact for
 * integer t (every non-tie lies ≥ 3e-8 from a rounding boundary). Alpha kept.
 * Differs from sharp's `tint()`, which keeps each pixel's LAB lightness and
 * takes the tint's chroma.
 */
export const tint = defineOp({
  name: 'tint',
  kind: 'point',
  description: 'Tint: luma * (r, g, b) / 255 (white becomes the tint colour, black stays black)',
  params: {
    r: { type: 'number', min: 0, max: 255, description: 'red of the tint colour' },
    g: { type: 'number', min: 0, max: 255, description: 'green of the tint colour' },
    b: { type: 'number', min: 0, max: 255, description: 'blue of the tint colour' },
  },
  rgb: true,
  kernel(view, { r: tr, g: tg, b: tb }) {
    const kr = tr / (255 * 65536), kg = tg / (255 * 65536), kb = tb / (255 * 65536);
    const h = 0.5 + 1e-9;
    const wr = LUMA_R16, wg = LUMA_G16, wb = LUMA_B16; // locals: imported bindings are re-read in loops
    const d = view.data;
    const c = channelsOf(view);
    const words = pixelWords(d, c);
    if (words) {
      for (let i = 0, n = words.length; i < n; i++) {
        const p = words[i];
        const y = Math.imul(wr, p & 255) + Math.imul(wg, (p >>> 8) & 255) + Math.imul(wb, (p >>> 16) & 255);
        words[i] = (p & 0xff000000) | (((y * kb + h) | 0) << 16) | (((y * kg + h) | 0) << 8) | ((y * kr + h) | 0);
      }
      return;
    }
    for (let i = 0, n = d.length; i < n; i += c) {
      const y = wr * d[i] + wg * d[i + 1] + wb * d[i + 2];
      d[i] = (y * kr + h) | 0;
      d[i + 1] = (y * kg + h) | 0;
      d[i + 2] = (y * kb + h) | 0;
    }
  },
});
