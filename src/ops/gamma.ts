import { defineOp } from '../model/op.js';
import { lutFrom } from '../kernels/lut.js';

/**
 * Gamma adjustment: out = round(255 · (v / 255)^(1 / gamma)); gamma > 1 brightens mid-tones (as
 * ImageMagick `-gamma`). libvips truncates where this rounds, so against `sharp.gamma(1, g)` it is
 * 0 or +1 level (mean ≈ 0.5, test/oracle-point.test.ts).
 */
export const gamma = defineOp({
  name: 'gamma',
  kind: 'point',
  description: 'Gamma adjustment: 255 * (v/255)^(1/gamma); gamma > 1 brightens mid-tones',
  params: {
    gamma: { type: 'number', min: 0.05, max: 20, default: 2.2, description: 'gamma exponent' },
  },
  lut: ({ gamma }) => lutFrom((v) => 255 * Math.pow(v / 255, 1 / gamma)),
});
