import { defineOp } from '../model/op.js';
import { lutFrom } from '../kernels/lut.js';

/** Negative of R, G and B (alpha kept). */
export const invert = defineOp({
  name: 'invert',
  kind: 'point',
  description: 'Negative: 255 - v for R, G and B (alpha kept)',
  params: {},
  lut: () => lutFrom((v) => 255 - v),
  native: (image) => image.negate({ alpha: false }),
});
