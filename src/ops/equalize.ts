import { defineOp } from '../model/op.js';
import { LUMA_B16, LUMA_G16, LUMA_R16, pixelWords } from '../kernels/matrix.js';
import { channelsOf } from '../model/view.js';

/**
 * Histogram equalisation of Rec. 709 luma, colour kept by scaling. Exactly:
 *
 * 1. `Y = (13933 R + 46871 G + 4732 B + 32768) >> 16` per pixel (the `grayscale`
 *    op's value, 0..255); `h` = histogram of Y over all pixels (alpha ignored),
 *    `N` = pixel count. Map: per-tile histograms; reduce: their sum (integer counts).
 * 2. `cdf(y) = Σ_{k ≤ y} h(k)`; `cmin = cdf(ymin)` with ymin the smallest Y present;
 *    `map(y) = round((cdf(y) − cmin) · 255 / (N − cmin))` (half up, integer
 *    arithmetic), or `map(y) = y` when `N = cmin` (a single luma).
 * 3. Each pixel: `out_c = min(255, round(v_c · map(Y) / Y))` for c = R, G, B
 *    (half up, integer arithmetic); pixels with Y = 0 are unchanged (then
 *    map(0) = 0 anyway). Scaling R, G, B by map(Y)/Y scales the pixel's luma by
 *    the same factor, so it becomes map(Y) up to rounding, unless a channel
 *    clamps at 255 (then it stays below). Alpha kept.
 *
 * Hand check: greys {10, 10, 50, 200} give h(10) = 2, N = 4, cmin = 2, so
 * map(50) = round(1 · 255 / 2) = 128, map(200) = 255, map(10) = 0.
 */
export const equalize = defineOp({
  name: 'equalize',
  kind: 'global',
  description: 'Histogram equalisation of Rec. 709 luma; R, G, B scaled by map(Y)/Y (colour kept)',
  params: {},
  rgb: true,
  partial(view) {
    const hist = new Float64Array(256);
    const wr = LUMA_R16, wg = LUMA_G16, wb = LUMA_B16; // locals: imported bindings are re-read in loops
    const d = view.data;
    const c = channelsOf(view);
    for (let i = 0, n = d.length; i < n; i += c) {
      hist[(wr * d[i] + wg * d[i + 1] + wb * d[i + 2] + 32768) >> 16]++;
    }
    return hist;
  },
  merge(a: Float64Array, b: Float64Array) {
    for (let i = 0; i < 256; i++) a[i] += b[i];
    return a;
  },
  finish(hist: Float64Array) {
    const map = equalizeMap(hist);
    // table[Y · 256 + v] = round(v · map(Y) / Y), clamped: one lookup per channel in the kernel.
    const table = new Uint8Array(65536);
    for (let v = 0; v < 256; v++) table[v] = v;
    for (let y = 1; y < 256; y++) {
      const m = map[y];
      for (let v = 0; v < 256; v++) {
        const q = Math.floor((2 * v * m + y) / (2 * y));
        table[y * 256 + v] = q > 255 ? 255 : q;
      }
    }
    return table;
  },
  kernel(view, _p, table: Uint8Array) {
    const wr = LUMA_R16, wg = LUMA_G16, wb = LUMA_B16;
    const d = view.data;
    const c = channelsOf(view);
    const words = c === 4 ? pixelWords(d) : undefined;
    if (words) {
      for (let i = 0, n = words.length; i < n; i++) {
        const p = words[i];
        const r = p & 255, g = (p >>> 8) & 255, b = (p >>> 16) & 255;
        const o = ((Math.imul(wr, r) + Math.imul(wg, g) + Math.imul(wb, b) + 32768) >> 16) << 8;
        words[i] = (p & 0xff000000) | (table[o + b] << 16) | (table[o + g] << 8) | table[o + r];
      }
      return;
    }
    for (let i = 0, n = d.length; i < n; i += c) {
      const r = d[i], g = d[i + 1], b = d[i + 2];
      const o = ((wr * r + wg * g + wb * b + 32768) >> 16) << 8;
      d[i] = table[o + r];
      d[i + 1] = table[o + g];
      d[i + 2] = table[o + b];
    }
  },
});

/** The equalisation map of a 256-bin luma histogram (integer counts), as defined on {@link equalize}. */
export function equalizeMap(hist: ArrayLike<number>): Uint8Array {
  const map = new Uint8Array(256);
  let total = 0;
  for (let y = 0; y < 256; y++) total += hist[y];
  let ymin = 0;
  while (ymin < 255 && hist[ymin] === 0) ymin++;
  const cmin = hist[ymin];
  const span = total - cmin;
  let cdf = 0;
  for (let y = 0; y < 256; y++) {
    cdf += hist[y];
    // round half up of (cdf − cmin)·255 / span, exact: all terms are integers below 2^53.
    map[y] = span === 0 ? y : y < ymin ? 0 : Math.floor((2 * (cdf - cmin) * 255 + span) / (2 * span));
  }
  return map;
}
