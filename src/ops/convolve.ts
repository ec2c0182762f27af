import { defineOp } from '../model/op.js';
import { convolveSquare } from '../kernels/convolve/index.js';

/** Odd square matrix sizes accepted: 3×3 up to 15×15. */
const LENGTHS = [9, 25, 49, 81, 121, 169, 225];

/**
 * Convolution with a square n×n matrix (n odd, 3 to 15), written row-major:
 * `out = round(Σ matrix·in / divisor + offset)`, clamped to [0, 255], per
 * channel, edges extended (clamped). `divisor` 0 means the sum of the matrix,
 * or 1 if that sum is 0. The matrix is not flipped (correlation, as libvips
 * `conv` and `sharp.convolve`). Unlike sharp, the divisor may be fractional or
 * negative (sharp needs an integer scale ≥ 1), and rounding is to nearest
 * (libvips' float path truncates towards zero).
 */
export const convolve = defineOp({
  name: 'convolve',
  kind: 'neighbourhood',
  description: 'Convolution with a square matrix: round(sum(matrix*in)/divisor + offset), edges extended',
  params: {
    matrix: {
      type: 'numbers', min: -1000, max: 1000, lengths: LENGTHS,
      description: 'n×n weights, row-major, n odd 3..15 (e.g. "0 -1 0 -1 5 -1 0 -1 0")',
    },
    divisor: { type: 'number', min: -1e6, max: 1e6, default: 0, description: 'divides the weighted sum; 0 = sum of the matrix (1 if that is 0)' },
    offset: { type: 'number', min: -255, max: 255, default: 0, description: 'added after dividing' },
  },
  rgb: true,
  radius: ({ matrix }) => (Math.round(Math.sqrt(matrix.length)) - 1) / 2,
  kernel: (src, dst, { matrix, divisor, offset }) => {
    const sum = matrix.reduce((a, b) => a + b, 0);
    convolveSquare(src, dst, matrix, divisor !== 0 ? divisor : sum !== 0 ? sum : 1, offset);
  },
});
