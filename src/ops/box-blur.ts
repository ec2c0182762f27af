import { defineOp } from '../model/op.js';
import { boxBlur as boxBlurKernel } from '../kernels/box-blur/index.js';

/**
 * Box blur: each channel becomes the mean of the (2r+1)² square around the
 * pixel, edges extended (clamped), rounded to nearest. Separable running
 * integer sums: O(1) per pixel whatever the radius, and exact.
 */
export const boxBlur = defineOp({
  name: 'box-blur',
  kind: 'neighbourhood',
  description: 'Mean over a (2*radius+1)^2 square, edges extended (running integer sums)',
  params: {
    radius: { type: 'number', integer: true, min: 1, max: 100, default: 1, description: 'half-width of the square in pixels' },
  },
  rgb: true,
  radius: ({ radius }) => radius,
  kernel: (src, dst, { radius }) => boxBlurKernel(src, dst, radius),
});
