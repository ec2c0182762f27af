import { defineOp } from '../model/op.js';
import { channelsOf } from '../model/view.js';
import { LUMA_B16, LUMA_G16, LUMA_R16, clampTable, pixelWords } from '../kernels/matrix.js';

/**
 * Saturation: each of R, G, B moves away from (factor > 1) or towards
 * (factor < 1) the pixel's Rec. 709 luma `Y = (13933 R + 46871 G + 4732 B) / 65536`
 * (unrounded): `out_c = clamp(floor(factor · v_c + (1 − factor) · Y + 0.5))`,
 * evaluated in float64, on the stored (gamma-encoded) values; alpha kept.
 * factor 0 gives the `grayscale` op's output exactly; greys are unchanged by
 * any factor. (sharp's `modulate({ saturation })` scales chroma in LCh instead.)
 */
export const saturation = defineOp({
  name: 'saturation',
  kind: 'point',
  description: 'Saturation: Y + factor * (v - Y) per channel, Y = Rec. 709 luma (0: greyscale, 1: unchanged)',
  params: {
    factor: { type: 'number', min: 0, max: 10, default: 1, description: 'chroma multiplier (0: grey, 1: unchanged)' },
  },
  rgb: true,
  kernel(view, { factor }) {
    if (factor === 1) return;
    // out = clamp(floor(F[v] + K)), F[v] = factor·v + 0.5 + offset, K = (1 − factor)·Y:
    // the offset keeps the sum positive, so `| 0` floors it, and a table clamps it.
    const lo = Math.floor(Math.min(0, (1 - factor) * 255));
    const hi = Math.ceil(Math.max(factor, 1) * 255) + 1;
    const { table: t, offset: o } = clampTable(lo, hi);
    const F = new Float64Array(256);
    for (let v = 0; v < 256; v++) F[v] = factor * v + 0.5 + o;
    const k = (1 - factor) / 65536;
    // Local copies: imported bindings are re-read (with a TDZ check) on every use in the loop.
    const wr = LUMA_R16, wg = LUMA_G16, wb = LUMA_B16;
    const d = view.data;
    const c = channelsOf(view);
    const words = pixelWords(d, c);
    if (words) {
      for (let i = 0, n = words.length; i < n; i++) {
        const p = words[i];
        const r = p & 255, g = (p >>> 8) & 255, b = (p >>> 16) & 255;
        const K = k * (Math.imul(wr, r) + Math.imul(wg, g) + Math.imul(wb, b));
        words[i] = (p & 0xff000000) | (t[(F[b] + K) | 0] << 16) | (t[(F[g] + K) | 0] << 8) | t[(F[r] + K) | 0];
      }
      return;
    }
    for (let i = 0, n = d.length; i < n; i += c) {
      const r = d[i], g = d[i + 1], b = d[i + 2];
      const K = k * (wr * r + wg * g + wb * b);
      d[i] = t[(F[r] + K) | 0];
      d[i + 1] = t[(F[g] + K) | 0];
      d[i + 2] = t[(F[b] + K) | 0];
    }
  },
});
