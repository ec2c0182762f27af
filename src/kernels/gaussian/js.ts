/**
 * Separable Gaussian convolution in exact integer arithmetic (14-bit weights,
 * 8 extra bits between passes), shared by `blur` and `sharpen`.
 * Image edges extend (clamp); each output pixel depends only on its global
 * neighbourhood, so any tiling gives the same bytes.
 */
import type { TileView } from '../../model/op.js';
import { channelsOf, clampedColumns, pixels32 } from '../../model/view.js';

/**
 * How far the kernel reaches: `exact` to ⌈3σ⌉; `approximate` only while the
 * Gaussian is at least 0.2 of its peak (libvips' default `min_ampl`, which
 * sharp's `blur(σ)` uses): ⌊σ·√(2 ln 5)⌋, about 1.8σ, so 7 taps instead of 13
 * at σ = 2 (none, a copy, below σ ≈ 0.56), each weighted as libvips' integer
 * mask does (rounded to 20ths of the peak).
 */
export type GaussianPrecision = (typeof GAUSSIAN_PRECISIONS)[number];

/** The precisions, as op parameters list them. */
export const GAUSSIAN_PRECISIONS = ['exact', 'approximate'] as const;

/** Smallest amplitude, relative to the peak, kept by the `approximate` kernel. */
export const APPROXIMATE_MIN_AMPLITUDE = 0.2;

/** Half-width of the Gaussian kernel used for `sigma`. */
export function gaussianRadius(sigma: number, precision: GaussianPrecision = 'exact'): number {
  if (precision === 'approximate') return Math.floor(sigma * Math.sqrt(-2 * Math.log(APPROXIMATE_MIN_AMPLITUDE)));
  return Math.max(1, Math.ceil(3 * sigma));
}

/** Symmetric integer taps: `weights[0]` is the centre, `weights[k]` applies at ±k; they sum to 2^14. */
export interface GaussianTaps {
  readonly radius: number;
  readonly weights: Int32Array;
}

const ONE = 1 << 14;

/** Integer taps for a Gaussian of standard deviation `sigma`, truncated as `precision` says and normalised to sum to 2^14. */
export function gaussianTaps(sigma: number, precision: GaussianPrecision = 'exact'): GaussianTaps {
  const radius = gaussianRadius(sigma, precision);
  const g = new Float64Array(radius + 1);
  let total = 0;
  for (let k = 0; k <= radius; k++) {
    g[k] = Math.exp(-(k * k) / (2 * sigma * sigma));
    // approximate: libvips' integer mask, each tap rounded to 20ths of the peak.
    if (precision === 'approximate') g[k] = Math.round(20 * g[k]);
    total += k === 0 ? g[k] : 2 * g[k];
  }
  const weights = new Int32Array(radius + 1);
  let side = 0;
  for (let k = 1; k <= radius; k++) {
    weights[k] = Math.round((g[k] / total) * ONE);
    side += weights[k];
  }
  weights[0] = ONE - 2 * side;
  return { radius, weights };
}

const clamp = (v: number, hi: number): number => (v < 0 ? 0 : v > hi ? hi : v);

type HorizontalRow = (pad: Uint8Array, out: Uint16Array, offset: number, length: number) => void;
type VerticalRow = (h: Uint16Array, out: Uint8Array, offset: number, centre: number, rows: Int32Array, length: number) => void;

/** Row kernels specialised to one tap set: every tap unrolled into one expression per output value. */
interface RowKernels {
  readonly horizontal: HorizontalRow;
  readonly vertical: VerticalRow;
}

const kernels = new Map<string, RowKernels>();

/**
 * Generates (once per tap set and pixel size `c`, cached) the two row kernels with the taps
 * unrolled and the weights inlined as constants: no inner tap loop, no
 * accumulator array traffic, no per-pixel call. About 2.5× faster than the
 * looped form in V8; the integer arithmetic, and so every output byte, is the same.
 */
function rowKernels(taps: GaussianTaps, c: number): RowKernels {
  const key = `${c}:${taps.weights.join(',')}`;
  let k = kernels.get(key);
  if (!k) {
    const { radius: r, weights: w } = taps;
    let hsum = `${w[0]} * p[i + ${r * c}]`;
    let vsum = `${w[0]} * h[c + i]`;
    for (let t = 1; t <= r; t++) {
      hsum += ` + ${w[t]} * (p[i + ${(r - t) * c}] + p[i + ${(r + t) * c}])`;
      vsum += ` + ${w[t]} * (h[u${t} + i] + h[d${t} + i])`;
    }
    let rows = '';
    for (let t = 1; t <= r; t++) rows += `const u${t} = rows[${2 * t - 2}], d${t} = rows[${2 * t - 1}];\n`;
    k = {
      horizontal: new Function('p', 'out', 'o', 'n', `for (let i = 0; i < n; i++) out[o + i] = (${hsum} + 32) >> 6;`) as HorizontalRow,
      vertical: new Function('h', 'out', 'o', 'c', 'rows', 'n', `${rows}for (let i = 0; i < n; i++) out[o + i] = (${vsum} + 2097152) >> 22;`) as VerticalRow,
    };
    kernels.set(key, k);
  }
  return k;
}

/** The Gaussian blur in JavaScript (RGBA or RGB views): generated row kernels over a 16-bit buffer of all the rows. */
export function jsGaussianBlur(src: TileView, dst: TileView, taps: GaussianTaps): void {
  const r = taps.radius;
  const c = channelsOf(src);
  const { horizontal, vertical } = rowKernels(taps, c);
  const H = src.imageHeight;
  const dw = dst.width;
  const dh = dst.height;
  const rowLen = dw * c;
  // Source rows the vertical pass needs, clipped to the image.
  const y0 = Math.max(0, dst.y - r);
  const y1 = Math.min(H - 1, dst.y + dh - 1 + r);
  const rows = y1 - y0 + 1;

  // Horizontal pass into 16-bit rows (8 fractional bits kept), from an edge-clamped padded copy of each row.
  const hbuf = new Uint16Array(rows * rowLen);
  const padW = dw + 2 * r;
  const pad = new Uint8Array(padW * c);
  const pad32 = new Uint32Array(pad.buffer, 0, c === 4 ? padW : 0);
  const src32 = c === 4 ? pixels32(src) : pad32;
  const s8 = src.data;
  const colMap = clampedColumns(src, dst, r);
  for (let ry = 0; ry < rows; ry++) {
    const srow = (y0 + ry - src.y) * src.width;
    if (c === 4) for (let i = 0; i < padW; i++) pad32[i] = src32[srow + colMap[i]];
    else {
      for (let i = 0; i < padW; i++) {
        const from = (srow + colMap[i]) * 3;
        pad[i * 3] = s8[from];
        pad[i * 3 + 1] = s8[from + 1];
        pad[i * 3 + 2] = s8[from + 2];
      }
    }
    horizontal(pad, hbuf, ry * rowLen, rowLen);
  }

  // Vertical pass, a row at a time; rows above and below clamp to the image.
  const tapRows = new Int32Array(2 * r);
  for (let y = 0; y < dh; y++) {
    const gy = dst.y + y;
    for (let t = 1; t <= r; t++) {
      tapRows[2 * t - 2] = (clamp(gy - t, H - 1) - y0) * rowLen;
      tapRows[2 * t - 1] = (clamp(gy + t, H - 1) - y0) * rowLen;
    }
    vertical(hbuf, dst.data, y * rowLen, (gy - y0) * rowLen, tapRows, rowLen);
  }
}
