import { defineOp } from '../model/op.js';
import { LUT_SIZE } from '../kernels/lut.js';

/**
 * Linear transform per channel, exactly as sharp's `linear(a, b)` on 8-bit
 * images: `out_c = clamp(trunc(a_c · v + b_c), 0, 255)` — truncation toward
 * zero, as libvips's cast to uchar (so `b = 0.5` with `a = 1` does not change
 * anything, and brightness:factor=f rounds where linear:a=f truncates).
 * `a` and `b` are one value for R, G, B or three (R, G, B). Alpha kept. A LUT op.
 */
export const linear = defineOp({
  name: 'linear',
  kind: 'point',
  description: 'Linear per channel as sharp.linear: trunc(a * v + b), clamped; a and b: 1 value or 3 (R G B)',
  params: {
    a: { type: 'numbers', lengths: [1, 3], min: -100, max: 100, default: [1], description: 'multiplier(s): one, or R G B' },
    b: { type: 'numbers', lengths: [1, 3], min: -1000, max: 1000, default: [0], description: 'offset(s): one, or R G B' },
  },
  lut({ a, b }) {
    const lut = new Uint8Array(LUT_SIZE);
    for (let c = 0; c < 3; c++) {
      const ac = a.length === 3 ? a[c] : a[0];
      const bc = b.length === 3 ? b[c] : b[0];
      for (let v = 0; v < 256; v++) {
        const y = Math.trunc(ac * v + bc);
        lut[c * 256 + v] = y < 0 ? 0 : y > 255 ? 255 : y;
      }
    }
    return lut;
  },
  native(image, { a, b }) {
    if (a.length === 1 && b.length === 1) return image.linear(a[0], b[0]);
    const three = (v: readonly number[]): number[] => (v.length === 3 ? [...v] : [v[0], v[0], v[0]]);
    return image.linear(three(a), three(b));
  },
});
