import { defineOp } from '../model/op.js';
import { channelsOf } from '../model/view.js';

/** Rec. 709 luma into R, G and B: Y = 0.2126 R + 0.7152 G + 0.0722 B, on the stored (gamma-encoded) values. */
export const grayscale = defineOp({
  name: 'grayscale',
  kind: 'point',
  description: 'Rec. 709 luma (0.2126 R + 0.7152 G + 0.0722 B) in every colour channel',
  params: {},
  rgb: true,
  kernel(view) {
    const d = view.data;
    for (let i = 0, n = d.length, c = channelsOf(view); i < n; i += c) {
      // Weights scaled to 2^16 so that they sum exactly (13933 + 46871 + 4732).
      const y = (13933 * d[i] + 46871 * d[i + 1] + 4732 * d[i + 2] + 32768) >> 16;
      d[i] = d[i + 1] = d[i + 2] = y;
    }
  },
});
