import { defineOp } from '../model/op.js';
import { channelsOf } from '../model/view.js';
import { applyMatrix3 } from '../kernels/matrix.js';

/** Row-major 3×3 rotation of RGB space by `degrees` about the grey axis (1, 1, 1) (Rodrigues' formula). */
export function hueMatrix(degrees: number): number[] {
  const t = (degrees * Math.PI) / 180;
  const c = Math.cos(t);
  const s = Math.sin(t) / Math.sqrt(3);
  const k = (1 - c) / 3;
  return [
    c + k, k - s, k + s,
    k + s, c + k, k - s,
    k - s, k + s, c + k,
  ];
}

/**
 * Hue rotation: R, G, B (as a vector) rotate by `degrees` about the grey axis
 * (1, 1, 1) of the RGB cube, `out = clamp(round(M · v))` with
 * `M = cos θ·I + (1 − cos θ)/3·J + sin θ/√3·K` (J all ones, K the cross-product
 * matrix of (1, 1, 1)), coefficients in 1/65536 units (see kernels/matrix.ts).
 * Greys are unchanged; positive angles turn red towards green (+120°: pure
 * red → pure green, as HSV hue). Alpha kept. It preserves R + G + B, not
 * luma, and differs from sharp's `modulate({ hue })`, which rotates hue in LCh.
 */
export const hue = defineOp({
  name: 'hue',
  kind: 'point',
  description: 'Rotate hue by degrees: rotation of RGB about the grey axis (greys kept; +120 maps red to green)',
  params: {
    degrees: { type: 'number', min: -360, max: 360, default: 0, description: 'rotation angle in degrees (positive: red towards green)' },
  },
  rgb: true,
  kernel(view, { degrees }) {
    applyMatrix3(view.data, hueMatrix(degrees), channelsOf(view));
  },
});
