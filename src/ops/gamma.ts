import { defineOp } from '../op.js';
import { lutFrom } from '../kernels/lut.js';

/** Gamma adjustment: out = 255 · (v / 255)^(1 / gamma); gamma > 1 brightens mid-tones (as ImageMagick `-gamma`). */
export const gamma = defineOp({
  name: 'gamma',
  kind: 'point',
  description: 'Gamma adjustment: 255 * (v/255)^(1/gamma); gamma > 1 brightens mid-tones',
  params: {
    gamma: { type: 'number', min: 0.05, max: 20, default: 2.2, description: 'gamma exponent' },
  },
  lut: ({ gamma }) => lutFrom((v) => 255 * Math.pow(v / 255, 1 / gamma)),
});
