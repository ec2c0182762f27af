import { defineOp } from '../model/op.js';
import { channelsOf } from '../model/view.js';
import { IDENTITY3, applyMatrix3, applyMatrix4 } from '../kernels/matrix.js';

/**
 * Channel mixer (as sharp's `recomb`, with rounding): a row-major 3×3 matrix
 * over R, G, B (alpha kept), or 4×4 over R, G, B, A (straight alpha):
 * `out_i = clamp(round(Σ_j m[i][j] · v_j))`, with each coefficient rounded to a
 * multiple of 1/65536 and integer sums (exact for dyadic values like 0.5;
 * see kernels/matrix.ts).
 */
export const channelMix = defineOp({
  name: 'channel-mix',
  kind: 'point',
  description: 'Channel mixer: row-major 3x3 matrix on R G B, or 4x4 on R G B A; out_i = sum_j m[i][j] * v_j',
  params: {
    matrix: { type: 'numbers', lengths: [9, 16], min: -10, max: 10, default: IDENTITY3, description: 'row-major 3x3 (alpha kept) or 4x4 (alpha included) matrix' },
  },
  rgb: true,
  kernel(view, { matrix }) {
    if (matrix.length === 16) applyMatrix4(view.data, matrix, channelsOf(view));
    else applyMatrix3(view.data, matrix, channelsOf(view));
  },
});
