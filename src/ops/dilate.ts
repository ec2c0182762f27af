import { defineOp } from '../model/op.js';
import { morphology } from '../kernels/morphology/index.js';

/**
 * Grey-level dilation: each channel becomes the maximum of the (2r+1)² square
 * around the pixel, edges extended; bright regions grow. Square structuring
 * element of half-width `radius`, as `sharp.dilate(width)` with width = radius.
 * sharp's dilate differs: it runs libvips `morph`, a binary (bitwise)
 * operator, with black as the foreground. On 0/255 images `sharp.dilate(w)`
 * equals our `erode:radius=w` and `sharp.erode(w)` our `dilate:radius=w`,
 * exactly; on grey images sharp gives the bitwise AND / OR of the window.
 */
export const dilate = defineOp({
  name: 'dilate',
  kind: 'neighbourhood',
  description: 'Grey dilation: per-channel maximum over a (2*radius+1)^2 square (bright areas grow)',
  params: {
    radius: { type: 'number', integer: true, min: 1, max: 50, default: 1, description: 'half-width of the square in pixels' },
  },
  rgb: true,
  radius: ({ radius }) => radius,
  kernel: (src, dst, { radius }) => morphology(src, dst, radius, false),
});
