import { defineOp } from '../op.js';
import { gaussianBlur, gaussianRadius, gaussianTaps } from '../kernels/gaussian.js';

/**
 * Unsharp mask: out = v + amount · (v − gaussian(v, sigma)), applied where
 * |v − blurred| > threshold. Colour only; alpha is kept.
 */
export const sharpen = defineOp({
  name: 'sharpen',
  kind: 'neighbourhood',
  description: 'Unsharp mask: v + amount*(v - blur(v, sigma)) where |v - blur| > threshold',
  params: {
    sigma: { type: 'number', min: 0.3, max: 50, default: 1, description: 'blur standard deviation in pixels' },
    amount: { type: 'number', min: 0, max: 10, default: 1, description: 'strength of the added detail' },
    threshold: { type: 'number', min: 0, max: 255, default: 0, description: 'minimum difference (levels) to sharpen' },
  },
  alpha: 'preserve',
  radius: ({ sigma }) => gaussianRadius(sigma),
  kernel(src, dst, { sigma, amount, threshold }) {
    gaussianBlur(src, dst, gaussianTaps(sigma));
    const s = src.data;
    const d = dst.data;
    for (let y = 0; y < dst.height; y++) {
      let si = ((dst.y + y - src.y) * src.width + (dst.x - src.x)) * 4;
      let di = y * dst.width * 4;
      for (let x = 0; x < dst.width; x++, si += 4, di += 4) {
        for (let c = 0; c < 3; c++) {
          const v = s[si + c];
          const diff = v - d[di + c];
          if (diff > threshold || -diff > threshold) {
            const o = Math.round(v + amount * diff);
            d[di + c] = o < 0 ? 0 : o > 255 ? 255 : o;
          } else {
            d[di + c] = v;
          }
        }
      }
    }
  },
});
