import { defineOp } from '../model/op.js';
import { sobel as sobelKernel } from '../kernels/sobel/index.js';

/**
 * Sobel gradient magnitude per colour channel: sqrt(Gx² + Gy²) / 4, rounded and
 * clamped to 255, so a full 0→255 step edge maps to 255. Alpha is kept.
 */
export const sobel = defineOp({
  name: 'sobel',
  kind: 'neighbourhood',
  description: 'Sobel edge magnitude per channel, sqrt(Gx^2+Gy^2)/4 (a full step edge gives 255)',
  params: {},
  alpha: 'preserve',
  rgb: true,
  radius: () => 1,
  kernel: (src, dst) => sobelKernel(src, dst),
});
