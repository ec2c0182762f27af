/**
 * Grey-level morphology on RGBA tiles: per-channel maximum (dilate) or
 * minimum (erode) over a (2r+1)² square, edges extended (clamped, which for
 * max/min is the same as ignoring pixels outside the image). Separable: a row
 * pass, then a column pass, on whole pixels as 32-bit words with a branch-free
 * bytewise maximum (SWAR). Windows of 3 compare directly; larger ones use
 * van Herk / Gil–Werman (3 maxima per word whatever the radius). The minimum
 * is 255 − max(255 − v), the inversion fused into the copies in and out.
 */
import type { TileView } from '../../model/op.js';
import { clampedColumns, padRow, pixels32 } from '../../model/view.js';

const HI = 0x80808080 | 0;
const LO = 0x7f7f7f7f;

/** Bytewise unsigned maximum of two packed words. */
function max4(x: number, y: number): number {
  const t = (x | HI) - (y & LO); // per byte: high bit set iff low7(x) ≥ low7(y); no borrow crosses bytes
  const ge = ((x & ~y) | (~(x ^ y) & t)) & HI; // per byte: x ≥ y
  const m = (ge >>> 7) * 255; // 0xff in every byte where x ≥ y
  return (x & m) | (y & ~m);
}

/**
 * 1-D running maximum over windows of `w` items of `stride` words:
 * `out[o + i] = max_k a[i + k·stride]` for k < w and i < count.
 * `g`/`h`: scratch of `count + (w − 1)·stride` words.
 */
function runningMax(
  a: Uint32Array, count: number, stride: number, w: number,
  out: Uint32Array, o: number, g: Uint32Array, h: Uint32Array,
): void {
  const span = (w - 1) * stride;
  if (w === 3) {
    for (let i = 0; i < count; i++) out[o + i] = max4(max4(a[i], a[i + stride]), a[i + span]);
    return;
  }
  // van Herk / Gil–Werman: blocks of w items; g = running max from each block's start, h = from its end.
  const len = count + span;
  const block = w * stride;
  for (let b = 0; b < len; b += block) {
    const e = Math.min(b + block, len);
    for (let i = b; i < b + stride; i++) g[i] = a[i];
    for (let i = b + stride; i < e; i++) g[i] = max4(g[i - stride], a[i]);
    for (let i = e - stride; i < e; i++) h[i] = a[i];
    for (let i = e - stride - 1; i >= b; i--) h[i] = max4(h[i + stride], a[i]);
  }
  for (let i = 0; i < count; i++) out[o + i] = max4(h[i], g[i + span]);
}

/** Grey dilation (`min` false) or erosion (`min` true) in JavaScript: van Herk / Gil-Werman running extremes, O(1) per pixel whatever the radius. */
export function jsMorphology(src: TileView, dst: TileView, r: number, min: boolean): void {
  const H = src.imageHeight;
  const dw = dst.width;
  const dh = dst.height;
  const w = 2 * r + 1;
  const flip = min ? -1 : 0;
  const padW = dw + 2 * r;
  const pad = new Uint32Array(padW);
  const src32 = pixels32(src);
  const colMap = clampedColumns(src, dst, r);
  const rows = dh + 2 * r;
  const scratch = w === 3 ? 0 : Math.max(padW, rows * dw);
  const g = new Uint32Array(scratch);
  const h = new Uint32Array(scratch);

  // Row pass: one row of `hbuf` per padded row (global row dst.y − r + j, clamped); repeats are copied.
  const hbuf = new Uint32Array(rows * dw);
  let prev = -1;
  for (let j = 0; j < rows; j++) {
    const gy = Math.min(Math.max(dst.y - r + j, 0), H - 1);
    if (gy === prev) {
      hbuf.copyWithin(j * dw, (j - 1) * dw, j * dw);
      continue;
    }
    prev = gy;
    padRow(src32, src, gy, colMap, pad, flip);
    runningMax(pad, dw, 1, w, hbuf, j * dw, g, h);
  }

  // Column pass: items are whole rows.
  const out = new Uint32Array(dst.data.buffer, dst.data.byteOffset, dst.data.length >> 2);
  runningMax(hbuf, dh * dw, dw, w, out, 0, g, h);
  if (min) for (let i = 0; i < out.length; i++) out[i] = ~out[i];
}
