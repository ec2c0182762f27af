import { defineOp } from '../model/op.js';
import { gaussianBlur, gaussianRadius, gaussianTaps } from '../kernels/gaussian/index.js';

/** Gaussian blur with standard deviation `sigma` (radius ⌈3σ⌉), separable, exact integer arithmetic. */
export const blur = defineOp({
  name: 'blur',
  kind: 'neighbourhood',
  description: 'Gaussian blur (kernel radius ceil(3*sigma))',
  params: {
    sigma: { type: 'number', min: 0.3, max: 100, default: 1, description: 'standard deviation in pixels' },
  },
  radius: ({ sigma }) => gaussianRadius(sigma),
  kernel: (src, dst, { sigma }) => gaussianBlur(src, dst, gaussianTaps(sigma)),
});
