import { defineOp } from '../model/op.js';
import { channelsOf } from '../model/view.js';
import { IDENTITY3, applyMatrix3, mixMatrices } from '../kernels/matrix.js';

/** The classic sepia matrix (as CSS `sepia(1)`), row-major. */
export const SEPIA_MATRIX: readonly number[] = [
  0.393, 0.769, 0.189,
  0.349, 0.686, 0.168,
  0.272, 0.534, 0.131,
];

/**
 * Sepia tone, as the CSS `sepia(amount)` filter: the matrix
 * `(1 − amount)·I + amount·S` with S the classic sepia matrix
 * (R' = .393R + .769G + .189B, G' = .349R + .686G + .168B, B' = .272R + .534G + .131B),
 * `out = clamp(round(M · v))`, coefficients in 1/65536 units (see
 * kernels/matrix.ts). Alpha kept.
 */
export const sepia = defineOp({
  name: 'sepia',
  kind: 'point',
  description: 'Sepia tone (CSS sepia matrix), blended with the original by amount',
  params: {
    amount: { type: 'number', min: 0, max: 1, default: 1, description: 'strength (0: unchanged, 1: full sepia)' },
  },
  rgb: true,
  kernel(view, { amount }) {
    applyMatrix3(view.data, mixMatrices(1 - amount, IDENTITY3, amount, SEPIA_MATRIX), channelsOf(view));
  },
});
