import { defineOp } from '../model/op.js';
import { convolveSquare } from '../kernels/convolve/index.js';

/**
 * Emboss: adds `strength` (s) times the top-left→bottom-right directional
 * derivative to the image: the 3×3 convolution with [−2s −s 0; −s 1 s; 0 s 2s],
 * i.e. `in + s·(2·se + e + south − 2·nw − north − w)`, rounded half up and clamped,
 * per channel, edges extended. At strength 1 this is the classic kernel
 * [−2 −1 0; −1 1 1; 0 1 2] (sum 1, so flat areas keep their colour and no
 * offset is needed); strength 0 is the identity. Alpha is kept.
 */
export const emboss = defineOp({
  name: 'emboss',
  kind: 'neighbourhood',
  description: 'Emboss: in + strength*(directional derivative), kernel [-2 -1 0; -1 1 1; 0 1 2] at strength 1; alpha kept',
  params: {
    strength: { type: 'number', min: 0, max: 10, default: 1, description: 'weight of the relief (0 = unchanged)' },
  },
  alpha: 'preserve',
  rgb: true,
  radius: () => 1,
  kernel: (src, dst, { strength: k }) => {
    convolveSquare(src, dst, [-2 * k, -k, 0, -k, 1, k, 0, k, 2 * k], 1, 0);
  },
});
