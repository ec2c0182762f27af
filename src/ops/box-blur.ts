import { defineOp, type TileView } from '../model/op.js';
import { clampedColumn, clampY } from '../model/view.js';

/**
 * Box blur: each channel becomes the mean of the (2r+1)² square around the
 * pixel, edges extended (clamped), rounded to nearest. Separable running
 * integer sums: O(1) per pixel whatever the radius, and exact.
 */
export const boxBlur = defineOp({
  name: 'box-blur',
  kind: 'neighbourhood',
  description: 'Mean over a (2*radius+1)^2 square, edges extended (running integer sums)',
  params: {
    radius: { type: 'number', integer: true, min: 1, max: 100, default: 1, description: 'half-width of the square in pixels' },
  },
  radius: ({ radius }) => radius,
  kernel: (src, dst, { radius }) => boxMean(src, dst, radius),
});

function boxMean(src: TileView, dst: TileView, r: number): void {
  const dw = dst.width;
  const dh = dst.height;
  const rowLen = dw * 4;
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
      rowSums(src.data, (done - src.y) * src.width * 4, first, addOff, subOff, ring, (done % ringRows) * rowLen);
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

/** Running horizontal sums of one source row (starting at byte `sr`) into `hbuf` at `o`. */
function rowSums(
  s: Uint8Array, sr: number, first: Int32Array, addOff: Int32Array, subOff: Int32Array,
  hbuf: Uint16Array, o: number,
): void {
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
