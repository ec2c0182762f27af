import { defineOp } from '../model/op.js';
import { lutFrom } from '../kernels/lut.js';

/**
 * Brightness by multiplication: `out = clamp(round(v · factor))` for R, G, B
 * (alpha kept). A LUT op, so it fuses with neighbouring LUT ops. Unlike
 * sharp's `modulate({ brightness })` (which scales in LCh) it works on the
 * stored, gamma-encoded values.
 */
export const brightness = defineOp({
  name: 'brightness',
  kind: 'point',
  description: 'Multiply R, G, B by factor: round(v * factor), clamped (alpha kept)',
  params: {
    factor: { type: 'number', min: 0, max: 10, default: 1, description: 'multiplier (1: unchanged, 0: black)' },
  },
  lut: ({ factor }) => lutFrom((v) => v * factor),
});
