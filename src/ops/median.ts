import { defineOp } from '../model/op.js';
import { median as medianKernel } from '../kernels/median/index.js';

/**
 * Median filter: each channel becomes the median of the (2r+1)² square around
 * the pixel (the value of rank ((2r+1)² − 1) / 2, 0-based, ascending), edges
 * extended (clamped) — the same as libvips `median` / `sharp.median(2r+1)`.
 * Runs on WebAssembly SIMD where it loads, else as Huang's sliding
 * histograms in JavaScript (kernels/median/); both give the same bytes.
 */
export const median = defineOp({
  name: 'median',
  kind: 'neighbourhood',
  description: 'Per-channel median over a (2*radius+1)^2 square, edges extended',
  params: {
    radius: { type: 'number', integer: true, min: 1, max: 7, default: 1, description: 'half-width of the square in pixels' },
  },
  radius: ({ radius }) => radius,
  rgb: true,
  kernel: (src, dst, { radius }) => medianKernel(src, dst, radius),
});
