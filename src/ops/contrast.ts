import { defineOp } from '../model/op.js';
import { lutFrom } from '../kernels/lut.js';

/**
 * Contrast about mid-grey 128: `out = clamp(round((v − 128) · factor + 128))`
 * for R, G, B (alpha kept); the same as sharp's documented recipe
 * `linear(factor, 128 − 128·factor)` except that we round where libvips truncates.
 * 128 (not 127.5) is the pivot, so 128 is the one value every factor keeps.
 */
export const contrast = defineOp({
  name: 'contrast',
  kind: 'point',
  description: 'Contrast about mid-grey 128: round((v - 128) * factor + 128), clamped (alpha kept)',
  params: {
    factor: { type: 'number', min: 0, max: 10, default: 1, description: 'slope (1: unchanged, 0: flat grey 128, >1: more contrast)' },
  },
  lut: ({ factor }) => lutFrom((v) => (v - 128) * factor + 128),
});
