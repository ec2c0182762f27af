/** The Sobel gradient magnitude in JavaScript. */
import type { TileView } from '../../model/op.js';
import { channelsOf, clampedColumn, clampedRow } from '../../model/view.js';

/** The Sobel magnitude in JavaScript, for R, G and B of RGBA or RGB views (alpha is the executor's: `alpha: 'preserve'`). */
export function jsSobel(src: TileView, dst: TileView): void {
  const C = channelsOf(src);
  const s = src.data;
  const d = dst.data;
  for (let y = 0; y < dst.height; y++) {
    const gy = dst.y + y;
    const rm = clampedRow(src, gy - 1);
    const r0 = clampedRow(src, gy);
    const rp = clampedRow(src, gy + 1);
    let di = y * dst.width * C;
    for (let x = 0; x < dst.width; x++, di += C) {
      const gx = dst.x + x;
      const cl = clampedColumn(src, gx - 1);
      const c0 = clampedColumn(src, gx);
      const cr = clampedColumn(src, gx + 1);
      for (let c = 0; c < 3; c++) {
        const tl = s[rm + cl + c], tc = s[rm + c0 + c], tr = s[rm + cr + c];
        const ml = s[r0 + cl + c], mr = s[r0 + cr + c];
        const bl = s[rp + cl + c], bc = s[rp + c0 + c], br = s[rp + cr + c];
        const sx = tr + 2 * mr + br - tl - 2 * ml - bl;
        const sy = bl + 2 * bc + br - tl - 2 * tc - tr;
        const m = Math.round(Math.sqrt(sx * sx + sy * sy) / 4);
        d[di + c] = m > 255 ? 255 : m;
      }
    }
  }
}
