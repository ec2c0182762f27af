import { defineOp } from '../model/op.js';
import { GAUSSIAN_PRECISIONS, gaussianRadius, gaussianTaps } from '../kernels/gaussian/index.js';
import { detailTable, unsharpMask } from '../kernels/unsharp/index.js';

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
    precision: { type: 'enum', values: GAUSSIAN_PRECISIONS, default: 'exact', description: 'of the blur: exact (to 3 sigma) or approximate (truncated at 0.2 of the peak)' },
  },
  alpha: 'preserve',
  rgb: true,
  radius: ({ sigma, precision }) => gaussianRadius(sigma, precision),
  // Alpha goes through too; the executor replaces it (alpha: 'preserve').
  kernel: (src, dst, { sigma, amount, threshold, precision }) => unsharpMask(src, dst, gaussianTaps(sigma, precision), detailTable(amount, threshold)),
});
