/**
 * The unsharp-mask combine step in JavaScript: each value plus its detail,
 * looked up in a table built from amount and threshold.
 */
import type { TileView } from '../../model/op.js';
import { channelsOf } from '../../model/view.js';

/**
 * The detail table: `table[diff + 255]` is `round(amount · diff)` where
 * `|diff| > threshold`, else 0, for `diff = v − blurred` in −255…255.
 * round(v + amount·diff) = v + round(amount·diff) for integer v.
 */
export function detailTable(amount: number, threshold: number): Int16Array {
  const detail = new Int16Array(511);
  for (let diff = -255; diff <= 255; diff++) {
    detail[diff + 255] = diff > threshold || -diff > threshold ? Math.round(amount * diff) : 0;
  }
  return detail;
}

/**
 * Replaces every value of `dst` (which holds the blurred image) with
 * `clamp(v + detail[v − blurred + 255])`, v being `src`'s value at the same
 * global position. Every channel goes through (RGBA or RGB); callers keep alpha themselves.
 */
export function jsUnsharp(src: TileView, dst: TileView, detail: Int16Array): void {
  const c = channelsOf(src);
  const s = src.data;
  const d = dst.data;
  const out = new Uint8ClampedArray(d.buffer, d.byteOffset, d.length);
  const rowLen = dst.width * c;
  for (let y = 0; y < dst.height; y++) {
    const si = ((dst.y + y - src.y) * src.width + (dst.x - src.x)) * c;
    const di = y * rowLen;
    for (let x = 0; x < rowLen; x++) {
      const v = s[si + x];
      out[di + x] = v + detail[v - d[di + x] + 255];
    }
  }
}
