import { defineOp, type TileView } from '../model/op.js';
import { simdSobel } from '../kernels/sobel-simd.js';
import { simdAvailable } from '../kernels/simd.js';

/**
 * Sobel gradient magnitude per colour channel: sqrt(Gx² + Gy²) / 4, rounded and
 * clamped to 255, so a full 0→255 step edge maps to 255. Alpha is kept.
 */
export const sobel = defineOp({
  name: 'sobel',
  kind: 'neighbourhood',
  description: 'Sobel edge magnitude per channel, sqrt(Gx^2+Gy^2)/4 (a full step edge gives 255)',
  params: {},
  alpha: 'preserve',
  radius: () => 1,
  kernel(src, dst) {
    if (simdAvailable()) simdSobel(src, dst);
    else jsSobel(src, dst);
  },
});

/** The Sobel magnitude in JavaScript, for R, G and B (alpha is the executor's: `alpha: 'preserve'`). */
export function jsSobel(src: TileView, dst: TileView): void {
  const s = src.data;
  const d = dst.data;
  const W = src.imageWidth;
  const H = src.imageHeight;
  const sw = src.width * 4;
  for (let y = 0; y < dst.height; y++) {
    const gy = dst.y + y;
    const rm = (Math.max(gy - 1, 0) - src.y) * sw;
    const r0 = (gy - src.y) * sw;
    const rp = (Math.min(gy + 1, H - 1) - src.y) * sw;
    let di = y * dst.width * 4;
    for (let x = 0; x < dst.width; x++, di += 4) {
      const gx = dst.x + x;
      const cl = (Math.max(gx - 1, 0) - src.x) * 4;
      const c0 = (gx - src.x) * 4;
      const cr = (Math.min(gx + 1, W - 1) - src.x) * 4;
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
