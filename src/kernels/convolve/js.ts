/**
 * Square convolution in JavaScript, over RGBA or RGB tiles. Edges extend
 * (clamp). Sums are doubles, accumulated per output value in a fixed tap
 * order: exact for integral matrices (|Σ| < 2^31), and for any matrix a pure
 * function of the global neighbourhood, so tiling never changes a byte. 3×3
 * matrices have an unrolled path.
 */
import type { TileView } from '../../model/op.js';
import { channelsOf, clampedColumns, pixels32 } from '../../model/view.js';

/**
 * Writes `round(Σ matrix·in / divisor + offset)`, clamped to [0, 255], for every
 * channel of every `dst` pixel. `matrix` is n×n row-major with n odd; its
 * centre is over the output pixel. `round` is round-half-up (`Math.round`).
 */
export function jsConvolve(
  src: TileView,
  dst: TileView,
  matrix: readonly number[],
  divisor: number,
  offset: number,
): void {
  const n = Math.round(Math.sqrt(matrix.length));
  const r = (n - 1) >> 1;
  const H = src.imageHeight;
  const dw = dst.width;
  const dh = dst.height;
  const c = channelsOf(src);
  const rowLen = dw * c;

  // Source rows used, clipped to the image, each padded by r clamped pixels on both sides.
  const y0 = Math.max(0, dst.y - r);
  const y1 = Math.min(H - 1, dst.y + dh - 1 + r);
  const padW = dw + 2 * r;
  const padRow = padW * c;
  const pad = new Uint8Array((y1 - y0 + 1) * padRow);
  const colMap = clampedColumns(src, dst, r);
  if (c === 4) {
    const pad32 = new Uint32Array(pad.buffer);
    const src32 = pixels32(src);
    for (let gy = y0; gy <= y1; gy++) {
      const sr = (gy - src.y) * src.width;
      const pr = (gy - y0) * padW;
      for (let i = 0; i < padW; i++) pad32[pr + i] = src32[sr + colMap[i]];
    }
  } else {
    for (let gy = y0; gy <= y1; gy++) {
      const sr = (gy - src.y) * src.width * 3;
      const pr = (gy - y0) * padRow;
      for (let i = 0; i < padW; i++) {
        const s = sr + colMap[i] * 3, p = pr + i * 3;
        pad[p] = src.data[s]; pad[p + 1] = src.data[s + 1]; pad[p + 2] = src.data[s + 2];
      }
    }
  }

  const plain = matrix.every(Number.isInteger) && divisor === 1 && Number.isInteger(offset);
  const out = dst.data;
  if (n === 3) {
    const w = Float64Array.from(matrix);
    for (let y = 0; y < dh; y++) {
      const gy = dst.y + y;
      const up = (Math.max(gy - 1, 0) - y0) * padRow;
      const mid = (gy - y0) * padRow;
      const dn = (Math.min(gy + 1, H - 1) - y0) * padRow;
      conv3Row(pad, up, mid, dn, c, w, divisor, offset, plain, out, y * rowLen, rowLen);
    }
    return;
  }
  // Other sizes: the non-zero taps, as weights and byte offsets within the padded rows.
  const taps = matrix.filter((v) => v !== 0).length;
  const weights = new Float64Array(taps);
  const base = new Int32Array(taps);
  for (let y = 0; y < dh; y++) {
    const gy = dst.y + y;
    for (let ky = 0, t = 0; ky < n; ky++) {
      const row = (Math.min(Math.max(gy + ky - r, 0), H - 1) - y0) * padRow;
      for (let kx = 0; kx < n; kx++) {
        const v = matrix[ky * n + kx];
        if (v === 0) continue;
        weights[t] = v;
        base[t++] = row + kx * c;
      }
    }
    convRow(pad, base, weights, divisor, offset, plain, out, y * rowLen, rowLen);
  }
}

/** One output row of a 3×3 convolution; `up`/`mid`/`dn` are the padded rows' byte offsets, `c` bytes per pixel. */
function conv3Row(
  p: Uint8Array, up: number, mid: number, dn: number, c: number, w: Float64Array,
  divisor: number, offset: number, plain: boolean, out: Uint8Array, o: number, len: number,
): void {
  const w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3], w4 = w[4], w5 = w[5], w6 = w[6], w7 = w[7], w8 = w[8];
  const c2 = 2 * c;
  for (let i = 0; i < len; i++) {
    const a = up + i, b = mid + i, d = dn + i;
    const s = w0 * p[a] + w1 * p[a + c] + w2 * p[a + c2]
      + w3 * p[b] + w4 * p[b + c] + w5 * p[b + c2]
      + w6 * p[d] + w7 * p[d + c] + w8 * p[d + c2];
    const v = plain ? s + offset : Math.round(s / divisor + offset);
    out[o + i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
}

/** One output row: `Σ weights[t] · p[base[t] + i]` for each byte i. */
function convRow(
  p: Uint8Array, base: Int32Array, weights: Float64Array,
  divisor: number, offset: number, plain: boolean, out: Uint8Array, o: number, len: number,
): void {
  const taps = base.length;
  for (let i = 0; i < len; i++) {
    let s = 0;
    for (let t = 0; t < taps; t++) s += weights[t] * p[base[t] + i];
    const v = plain ? s + offset : Math.round(s / divisor + offset);
    out[o + i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
}
