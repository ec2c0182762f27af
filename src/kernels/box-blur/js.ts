/**
 * Box blur in JavaScript: separable running integer sums, O(1) per pixel
 * whatever the radius, and exact; RGBA or RGB views.
 */
import type { TileView } from '../../model/op.js';
import { channelsOf, clampedColumn, clampY } from '../../model/view.js';

/** Writes round(mean) over the (2r+1)² square, per channel, into every `dst` pixel (RGBA or RGB views). */
export function jsBoxBlur(src: TileView, dst: TileView, r: number): void {
  const c = channelsOf(src);
  const dw = dst.width;
  const dh = dst.height;
  const rowLen = dw * c;
  const clampX = (gx: number): number => clampedColumn(src, gx);

  // Byte offsets (within a src row) of the window's first columns, and of the columns
  // entering and leaving it when stepping from x to x + 1 (the last step is a no-op).
  const first = new Int32Array(2 * r + 1);
  for (let k = 0; k <= 2 * r; k++) first[k] = clampX(dst.x - r + k);
  const addOff = new Int32Array(dw);
  const subOff = new Int32Array(dw);
  for (let x = 0; x < dw - 1; x++) {
    addOff[x] = clampX(dst.x + x + r + 1);
    subOff[x] = clampX(dst.x + x - r);
  }
  // Horizontal sums (≤ 201 × 255: 16 bits) of source rows, computed in increasing row order
  // into a ring of 2r + 2 rows: the vertical window never spans more than that.
  const ringRows = 2 * r + 2;
  const ring = new Uint16Array(ringRows * rowLen);
  let done = -1;
  const rowAt = (gy: number): number => {
    for (; done < gy; ) {
      done = done < 0 ? gy : done + 1;
      rowSums(src.data, (done - src.y) * src.width * c, c, first, addOff, subOff, ring, (done % ringRows) * rowLen);
    }
    return (gy % ringRows) * rowLen;
  };

  // Vertical running sums of the horizontal sums, then round(sum / area).
  const area = (2 * r + 1) * (2 * r + 1);
  const col = new Int32Array(rowLen);
  for (let k = -r; k <= r; k++) {
    const h = rowAt(clampY(src, dst.y + k));
    for (let i = 0; i < rowLen; i++) col[i] += ring[h + i];
  }
  for (let y = 0; y < dh; y++) {
    const last = y === dh - 1;
    const a = last ? 0 : rowAt(clampY(src, dst.y + y + r + 1));
    const b = last ? 0 : rowAt(clampY(src, dst.y + y - r));
    meanRow(col, ring, a, b, area, dst.data, y * rowLen);
  }
}

/** Running horizontal sums, per channel, of one source row (starting at byte `sr`, `c` bytes per pixel) into `hbuf` at `o`. */
function rowSums(
  s: Uint8Array, sr: number, c: number, first: Int32Array, addOff: Int32Array, subOff: Int32Array,
  hbuf: Uint16Array, o: number,
): void {
  if (c === 4) {
    rowSums4(s, sr, first, addOff, subOff, hbuf, o);
    return;
  }
  for (let ch = 0; ch < c; ch++) {
    let sum = 0;
    for (let k = 0; k < first.length; k++) sum += s[sr + first[k] + ch];
    for (let x = 0, p = o + ch; x < addOff.length; x++, p += c) {
      hbuf[p] = sum;
      sum += s[sr + addOff[x] + ch] - s[sr + subOff[x] + ch];
    }
  }
}

/** {@link rowSums} for RGBA, the four channels' sums side by side. */
function rowSums4(s: Uint8Array, sr: number, first: Int32Array, addOff: Int32Array, subOff: Int32Array, hbuf: Uint16Array, o: number): void {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (let k = 0; k < first.length; k++) {
    const p = sr + first[k];
    s0 += s[p]; s1 += s[p + 1]; s2 += s[p + 2]; s3 += s[p + 3];
  }
  for (let x = 0; x < addOff.length; x++, o += 4) {
    hbuf[o] = s0; hbuf[o + 1] = s1; hbuf[o + 2] = s2; hbuf[o + 3] = s3;
    const a = sr + addOff[x];
    const b = sr + subOff[x];
    s0 += s[a] - s[b]; s1 += s[a + 1] - s[b + 1]; s2 += s[a + 2] - s[b + 2]; s3 += s[a + 3] - s[b + 3];
  }
}

/**
 * Writes round(col / area) for one output row at `o`, then slides `col` down a row:
 * adds hbuf row `a`, subtracts hbuf row `b` (both 0 on the last row: a no-op).
 * Exact: sum + half < 2^24 and the true quotient's fraction is 0 or at least 1/area
 * away from 1, so the 2^-30 bias of the reciprocal never carries it across an integer;
 * area is odd, so there are no ties.
 */
function meanRow(col: Int32Array, hbuf: Uint16Array, a: number, b: number, area: number, out: Uint8Array, o: number): void {
  const half = (area - 1) >> 1;
  const inv = (1 + 2 ** -30) / area;
  for (let i = 0; i < col.length; i++) {
    const c = col[i];
    out[o + i] = ((c + half) * inv) | 0;
    col[i] = c + hbuf[a + i] - hbuf[b + i];
  }
}
