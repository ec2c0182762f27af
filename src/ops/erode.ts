import { defineOp } from '../model/op.js';
import { morphology } from '../kernels/morphology/index.js';

/**
 * Grey-level erosion: each channel becomes the minimum of the (2r+1)² square
 * around the pixel, edges extended; dark regions grow. Square structuring
 * element of half-width `radius`. sharp's erode treats black as the foreground
 * (see `dilate`): on 0/255 images `sharp.erode(w)` equals our `dilate:radius=w`.
 */
export const erode = defineOp({
  name: 'erode',
  kind: 'neighbourhood',
  description: 'Grey erosion: per-channel minimum over a (2*radius+1)^2 square (dark areas grow)',
  params: {
    radius: { type: 'number', integer: true, min: 1, max: 50, default: 1, description: 'half-width of the square in pixels' },
  },
  rgb: true,
  radius: ({ radius }) => radius,
  kernel: (src, dst, { radius }) => morphology(src, dst, radius, true),
});
