import { defineOp } from '../model/op.js';
import { LUT_SIZE, applyLut } from '../kernels/lut.js';
import { channelsOf } from '../model/view.js';

/**
 * Grey-world white balance. Map: per-tile integer sums `S_R, S_G, S_B` of
 * R, G, B over all pixels (alpha ignored); reduce: their sum (exact: below
 * 2^53). Each channel gets the gain that makes its mean equal to the average
 * of the three means, `gain_c = (S_R + S_G + S_B) / (3 · S_c)`, applied as
 * `out_c = min(255, round(v · gain_c))` (half up, in exact integer arithmetic).
 * A channel whose sum is 0 is left unchanged. Alpha kept.
 */
export const autoWhiteBalance = defineOp({
  name: 'auto-white-balance',
  kind: 'global',
  description: 'Grey-world white balance: scale R, G, B so their means equal the mean of the three',
  params: {},
  rgb: true,
  partial(view) {
    let r = 0, g = 0, b = 0;
    const d = view.data;
    const c = channelsOf(view);
    for (let i = 0, n = d.length; i < n; i += c) {
      r += d[i];
      g += d[i + 1];
      b += d[i + 2];
    }
    return [r, g, b];
  },
  merge(a: number[], b: number[]) {
    return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
  },
  finish(sums: number[]) {
    const total = BigInt(sums[0] + sums[1] + sums[2]);
    const lut = new Uint8Array(LUT_SIZE);
    for (let c = 0; c < 3; c++) {
      const s = BigInt(sums[c]);
      for (let v = 0; v < 256; v++) {
        // round(v · total / (3 s)) = floor((2 v total + 3 s) / (6 s)), in BigInt.
        const q = s === 0n ? v : Number((2n * BigInt(v) * total + 3n * s) / (6n * s));
        lut[c * 256 + v] = q > 255 ? 255 : q;
      }
    }
    return lut;
  },
  kernel: (view, _p, lut: Uint8Array) => applyLut(view.data, lut, channelsOf(view)),
});
