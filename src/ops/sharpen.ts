import { defineOp } from '../model/op.js';
import { gaussianBlur, gaussianRadius, gaussianTaps } from '../kernels/gaussian/index.js';

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
    // round(v + amount·diff) = v + round(amount·diff) for integer v: one table lookup per value,
    // with the threshold folded in (0 where |diff| ≤ threshold). The clamped view clamps to [0, 255].
    const detail = new Int16Array(511);
    for (let diff = -255; diff <= 255; diff++) {
      detail[diff + 255] = diff > threshold || -diff > threshold ? Math.round(amount * diff) : 0;
    }
    const s = src.data;
    const d = dst.data;
    const out = new Uint8ClampedArray(d.buffer, d.byteOffset, d.length);
    const rowLen = dst.width * 4;
    for (let y = 0; y < dst.height; y++) {
      const si = ((dst.y + y - src.y) * src.width + (dst.x - src.x)) * 4;
      const di = y * rowLen;
      // Alpha goes through too; the executor replaces it (alpha: 'preserve').
      for (let x = 0; x < rowLen; x++) {
        const v = s[si + x];
        out[di + x] = v + detail[v - d[di + x] + 255];
      }
    }
  },
});
