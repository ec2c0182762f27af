import { defineOp } from '../model/op.js';
import { lutFrom } from '../kernels/lut.js';

/**
 * Posterize to `levels` evenly spaced values per channel:
 * `q = round(v · (levels − 1) / 255)`, `out = round(q · 255 / (levels − 1))`
 * (rounding half up; levels = 256 is the identity). Alpha kept. A LUT op.
 */
export const posterize = defineOp({
  name: 'posterize',
  kind: 'point',
  description: 'Posterize: quantise R, G, B to levels evenly spaced values (nearest)',
  params: {
    levels: { type: 'number', integer: true, min: 2, max: 256, default: 4, description: 'values per channel' },
  },
  lut: ({ levels }) => {
    const n = levels - 1;
    return lutFrom((v) => Math.round((Math.floor((v * n) / 255 + 0.5) * 255) / n));
  },
});
