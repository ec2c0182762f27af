import { defineOp } from '../model/op.js';
import { channelsOf } from '../model/view.js';
import { LUMA_B16, LUMA_G16, LUMA_R16, pixelWords } from '../kernels/matrix.js';
import { LUT_SIZE, applyLut } from '../kernels/lut.js';

/**
 * Threshold, as sharp's `threshold(value, { greyscale })`: with `grayscale`
 * (default) the pixel's Rec. 709 luma `Y = (13933 R + 46871 G + 4732 B + 32768) >> 16`
 * (the `grayscale` op's value) is compared, and R, G, B all become
 * `Y ≥ value ? 255 : 0`; without, each of R, G, B is compared on its own.
 * Alpha kept. Difference from sharp: sharp's greyscale is libvips's B_W
 * conversion (luminance of linearised sRGB, re-encoded), ours is luma of the
 * stored values, so saturated colours near the threshold can fall on the other
 * side; on greys, and with grayscale=false, the two agree exactly.
 */
export const threshold = defineOp({
  name: 'threshold',
  kind: 'point',
  description: 'Threshold: v >= value ? 255 : 0, on Rec. 709 luma (default) or per channel (grayscale=false)',
  params: {
    value: { type: 'number', integer: true, min: 0, max: 255, default: 128, description: 'threshold: values >= it become 255, below it 0' },
    grayscale: { type: 'boolean', default: true, description: 'compare luma and output grey (false: each channel)' },
  },
  rgb: true,
  kernel(view, { value, grayscale }) {
    const d = view.data;
    const t = value;
    const c = channelsOf(view);
    if (!grayscale) {
      const lut = new Uint8Array(LUT_SIZE);
      for (let i = 0; i < LUT_SIZE; i++) lut[i] = (i & 255) >= t ? 255 : 0;
      applyLut(d, lut, c);
      return;
    }
    const wr = LUMA_R16, wg = LUMA_G16, wb = LUMA_B16; // locals: imported bindings are re-read in loops
    const words = pixelWords(d, c);
    if (words) {
      for (let i = 0, n = words.length; i < n; i++) {
        const p = words[i];
        const y = (Math.imul(wr, p & 255) + Math.imul(wg, (p >>> 8) & 255) + Math.imul(wb, (p >>> 16) & 255) + 32768) >> 16;
        words[i] = y >= t ? p | 0xffffff : p & 0xff000000;
      }
      return;
    }
    for (let i = 0, n = d.length; i < n; i += c) {
      const y = (wr * d[i] + wg * d[i + 1] + wb * d[i + 2] + 32768) >> 16;
      d[i] = d[i + 1] = d[i + 2] = y >= t ? 255 : 0;
    }
  },
});
