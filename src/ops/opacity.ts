import { defineOp } from '../model/op.js';
import { channelsOf } from '../model/view.js';

/**
 * Opacity: alpha becomes `round(alpha · factor)`; R, G, B are kept. On an
 * image without alpha the raster's alpha changes too, but the output is
 * written without an alpha channel (as the source had none), so the op has
 * no visible effect there; use an input with alpha (or add one) to see it.
 */
export const opacity = defineOp({
  name: 'opacity',
  kind: 'point',
  description: 'Multiply alpha by factor (no visible effect on images written without alpha)',
  params: {
    factor: { type: 'number', min: 0, max: 1, default: 1, description: 'alpha multiplier (0: transparent, 1: unchanged)' },
  },
  rgb: true,
  kernel(view, { factor }) {
    if (factor === 1 || channelsOf(view) === 3) return; // an RGB view has no alpha to change
    const table = new Uint8Array(256);
    for (let a = 0; a < 256; a++) table[a] = Math.floor(a * factor + 0.5);
    const d = view.data;
    for (let i = 3, n = d.length; i < n; i += 4) d[i] = table[d[i]];
  },
});
