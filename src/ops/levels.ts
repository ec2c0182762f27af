import { defineOp } from '../model/op.js';
import { ValidationError } from '../model/errors.js';
import { lutFrom } from '../kernels/lut.js';

/**
 * Input levels (as Photoshop/GIMP "Levels"): `t = clamp((v − black) / (white − black), 0, 1)`,
 * `out = round(255 · t^(1 / gamma))` for R, G, B (alpha kept). gamma > 1 brightens
 * mid-tones, as the `gamma` op. A LUT op.
 */
export const levels = defineOp({
  name: 'levels',
  kind: 'point',
  description: 'Levels: map [black, white] to [0, 255] with mid-tone gamma: 255 * ((v - black) / (white - black))^(1/gamma)',
  params: {
    black: { type: 'number', integer: true, min: 0, max: 254, default: 0, description: 'input level mapped to 0 (must be < white)' },
    white: { type: 'number', integer: true, min: 1, max: 255, default: 255, description: 'input level mapped to 255 (must be > black)' },
    gamma: { type: 'number', min: 0.1, max: 10, default: 1, description: 'mid-tone gamma (> 1 brightens)' },
  },
  check({ black, white }) {
    if (black >= white) {
      throw new ValidationError(`levels: parameter "black" (${black}) must be less than "white" (${white}); black is in [0, 254], white in [1, 255]`);
    }
  },
  lut: ({ black, white, gamma }) =>
    lutFrom((v) => {
      const t = v <= black ? 0 : v >= white ? 1 : (v - black) / (white - black);
      return 255 * Math.pow(t, 1 / gamma);
    }),
});
