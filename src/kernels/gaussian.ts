/**
 * Separable Gaussian convolution in exact integer arithmetic (14-bit weights,
 * 8 extra bits between passes), shared by `blur` and `sharpen`.
 * Image edges extend (clamp); each output pixel depends only on its global
 * neighbourhood, so any tiling gives the same bytes.
 */
import type { TileView } from '../op.js';

/** Half-width of the Gaussian kernel used for `sigma`. */
export function gaussianRadius(sigma: number): number {
  return Math.max(1, Math.ceil(3 * sigma));
}

/** Symmetric integer taps: `weights[0]` is the centre, `weights[k]` applies at ±k; they sum to 2^14. */
export interface GaussianTaps {
  readonly radius: number;
  readonly weights: Int32Array;
}

const ONE = 1 << 14;

/** Integer taps for a Gaussian of standard deviation `sigma`. */
export function gaussianTaps(sigma: number): GaussianTaps {
  const radius = gaussianRadius(sigma);
  const g = new Float64Array(radius + 1);
  let total = 0;
  for (let k = 0; k <= radius; k++) {
    g[k] = Math.exp(-(k * k) / (2 * sigma * sigma));
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

/** Writes the Gaussian-blurred RGBA of `src` into every pixel of `dst`. */
export function gaussianBlur(src: TileView, dst: TileView, taps: GaussianTaps): void {
  const r = taps.radius;
  const w = taps.weights;
  const W = src.imageWidth;
  const H = src.imageHeight;
  const dw = dst.width;
  const dh = dst.height;
  const rowLen = dw * 4;
  // Source rows the vertical pass needs, clipped to the image.
  const y0 = Math.max(0, dst.y - r);
  const y1 = Math.min(H - 1, dst.y + dh - 1 + r);
  const rows = y1 - y0 + 1;

  // Horizontal pass into 16-bit rows (8 fractional bits kept).
  const hbuf = new Uint16Array(rows * rowLen);
  const padW = dw + 2 * r;
  const pad = new Uint8Array(padW * 4);
  const pad32 = new Uint32Array(pad.buffer);
  const src32 = new Uint32Array(src.data.buffer, src.data.byteOffset, src.data.length >> 2);
  const colMap = new Int32Array(padW);
  for (let i = 0; i < padW; i++) colMap[i] = clamp(dst.x - r + i, W - 1) - src.x;
  const w0 = w[0];
  const acc = new Int32Array(rowLen);
  const c0 = r << 2;
  for (let ry = 0; ry < rows; ry++) {
    const srow = (y0 + ry - src.y) * src.width;
    for (let i = 0; i < padW; i++) pad32[i] = src32[srow + colMap[i]];
    // One tight sweep over the row per symmetric tap pair (all four channels at once).
    for (let i = 0; i < rowLen; i++) acc[i] = w0 * pad[i + c0];
    for (let k = 1; k <= r; k++) {
      const wk = w[k];
      const lo = c0 - (k << 2);
      const hi = c0 + (k << 2);
      for (let i = 0; i < rowLen; i++) acc[i] += wk * (pad[i + lo] + pad[i + hi]);
    }
    const ho = ry * rowLen;
    for (let i = 0; i < rowLen; i++) hbuf[ho + i] = (acc[i] + 32) >> 6;
  }

  // Vertical pass, a row at a time, accumulating symmetric tap pairs.
  const out = dst.data;
  for (let y = 0; y < dh; y++) {
    const gy = dst.y + y;
    const c = (gy - y0) * rowLen;
    for (let i = 0; i < rowLen; i++) acc[i] = w0 * hbuf[c + i];
    for (let k = 1; k <= r; k++) {
      const wk = w[k];
      const up = (clamp(gy - k, H - 1) - y0) * rowLen;
      const dn = (clamp(gy + k, H - 1) - y0) * rowLen;
      for (let i = 0; i < rowLen; i++) acc[i] += wk * (hbuf[up + i] + hbuf[dn + i]);
    }
    const o = y * rowLen;
    for (let i = 0; i < rowLen; i++) out[o + i] = (acc[i] + (1 << 21)) >> 22;
  }
}
