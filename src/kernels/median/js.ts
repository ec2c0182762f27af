/** The median filter in JavaScript, by Huang's sliding histograms. */
import type { TileView } from '../../model/op.js';
import { clampedColumn, clampedRow } from '../../model/view.js';

/**
 * The median in JavaScript, by Huang's sliding histograms: one 256-bin
 * histogram per channel slides along each row, the median is tracked
 * incrementally; no sorting, no allocation per pixel.
 */
export function huangMedian(src: TileView, dst: TileView, r: number): void {
  const n = 2 * r + 1;
  // Pixels (32-bit words) handled whole: lane k of a word is byte k of the pixel, whatever the endianness.
  const s32 = new Uint32Array(src.data.buffer, src.data.byteOffset, src.data.length >> 2);
  const d32 = new Uint32Array(dst.data.buffer, dst.data.byteOffset, dst.data.length >> 2);
  // Word offset within a src row of padded column i (global column dst.x − r + i, clamped).
  const colOff = new Int32Array(dst.width + 2 * r);
  for (let i = 0; i < colOff.length; i++) colOff[i] = clampedColumn(src, dst.x - r + i) >> 2;
  // When lane 3 (alpha on little-endian machines) is one value throughout, as on opaque images,
  // its median is that value: skip its histogram.
  let lane3 = s32[0] >>> 24;
  for (let i = 0; i < s32.length; i++) {
    if (s32[i] >>> 24 !== lane3) {
      lane3 = -1;
      break;
    }
  }
  const rowOff = new Int32Array(n);
  const hist = new Int32Array(1024);
  for (let y = 0; y < dst.height; y++) {
    for (let j = 0; j < n; j++) {
      rowOff[j] = clampedRow(src, dst.y + y - r + j) >> 2;
    }
    medianRow(s32, rowOff, colOff, d32, y * dst.width, dst.width, hist, lane3);
  }
}

/**
 * One output row: histograms (`hist`, 4 × 256 bins) slide along the window of source rows
 * starting at word offsets `rowOff`; `colOff` holds the padded columns' word offsets.
 * `lane3` ≥ 0: lane 3 is that constant and its histogram is skipped.
 */
function medianRow(
  s32: Uint32Array, rowOff: Int32Array, colOff: Int32Array,
  out: Uint32Array, o: number, dw: number, hist: Int32Array, lane3: number,
): void {
  const all = lane3 < 0;
  const n = rowOff.length;
  const rank = (n * n - 1) >> 1;
  const h0 = hist.subarray(0, 256);
  const h1 = hist.subarray(256, 512);
  const h2 = hist.subarray(512, 768);
  const h3 = hist.subarray(768, 1024);
  hist.fill(0);
  for (let i = 0; i < n - 1; i++) {
    for (let j = 0; j < n; j++) {
      const a = s32[rowOff[j] + colOff[i]];
      h0[a & 255]++; h1[(a >>> 8) & 255]++; h2[(a >>> 16) & 255]++; h3[a >>> 24]++;
    }
  }
  // Per channel: current median m and the count l of window values below it (all below 0: none).
  let m0 = 0, m1 = 0, m2 = 0, m3 = 0;
  let l0 = 0, l1 = 0, l2 = 0, l3 = 0;
  for (let x = 0; x < dw; x++, o++) {
    const add = colOff[x + n - 1];
    if (x > 0) {
      // Slide: the column leaving (x − 1) and the one entering (x + n − 1), a whole pixel per load.
      const sub = colOff[x - 1];
      for (let j = 0; j < n; j++) {
        const row = rowOff[j];
        const a = s32[row + add], b = s32[row + sub];
        const a0 = a & 255, a1 = (a >>> 8) & 255, a2 = (a >>> 16) & 255, a3 = a >>> 24;
        const b0 = b & 255, b1 = (b >>> 8) & 255, b2 = (b >>> 16) & 255, b3 = b >>> 24;
        h0[a0]++; h1[a1]++; h2[a2]++;
        h0[b0]--; h1[b1]--; h2[b2]--;
        // Branch-free `if (v < m) l++`: (v − m) >>> 31 is 1 exactly when v < m.
        l0 += ((a0 - m0) >>> 31) - ((b0 - m0) >>> 31);
        l1 += ((a1 - m1) >>> 31) - ((b1 - m1) >>> 31);
        l2 += ((a2 - m2) >>> 31) - ((b2 - m2) >>> 31);
        if (all) {
          h3[a3]++;
          h3[b3]--;
          l3 += ((a3 - m3) >>> 31) - ((b3 - m3) >>> 31);
        }
      }
    } else {
      for (let j = 0; j < n; j++) {
        const a = s32[rowOff[j] + add];
        h0[a & 255]++; h1[(a >>> 8) & 255]++; h2[(a >>> 16) & 255]++; h3[a >>> 24]++;
      }
    }
    // Move each median until l ≤ rank < l + hist[m].
    while (l0 > rank) l0 -= h0[--m0];
    while (l0 + h0[m0] <= rank) l0 += h0[m0++];
    while (l1 > rank) l1 -= h1[--m1];
    while (l1 + h1[m1] <= rank) l1 += h1[m1++];
    while (l2 > rank) l2 -= h2[--m2];
    while (l2 + h2[m2] <= rank) l2 += h2[m2++];
    if (all) {
      while (l3 > rank) l3 -= h3[--m3];
      while (l3 + h3[m3] <= rank) l3 += h3[m3++];
    } else m3 = lane3;
    out[o] = m0 | (m1 << 8) | (m2 << 16) | (m3 << 24);
  }
}
