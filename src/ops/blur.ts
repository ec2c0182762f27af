import { defineOp } from '../model/op.js';
import { GAUSSIAN_PRECISIONS, gaussianBlur, gaussianRadius, gaussianTaps } from '../kernels/gaussian/index.js';

/**
 * Gaussian blur with standard deviation `sigma`, separable, integer
 * arithmetic. `precision=exact` (default) reaches ⌈3σ⌉; `approximate` stops
 * where the Gaussian falls below 0.2 of its peak (about 1.8σ), as libvips'
 * and sharp's default `blur(σ)`: about half the taps, a slightly weaker tail.
 */
export const blur = defineOp({
  name: 'blur',
  kind: 'neighbourhood',
  description: 'Gaussian blur (kernel radius ceil(3*sigma), or about 1.8*sigma with precision=approximate)',
  params: {
    sigma: { type: 'number', min: 0.3, max: 100, default: 1, description: 'standard deviation in pixels' },
    precision: {
      type: 'enum', values: GAUSSIAN_PRECISIONS, default: 'exact',
      description: 'exact: kernel to 3 sigma; approximate: truncated at 0.2 of the peak, as sharp/libvips blur(sigma), about 2x faster',
    },
  },
  radius: ({ sigma, precision }) => gaussianRadius(sigma, precision),
  rgb: true,
  kernel: (src, dst, { sigma, precision }) => gaussianBlur(src, dst, gaussianTaps(sigma, precision)),
});
