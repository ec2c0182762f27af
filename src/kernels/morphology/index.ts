/**
 * Grey dilation and erosion, shared by `dilate` and `erode`: the one place
 * that picks WebAssembly SIMD (simd.ts, small radii) or JavaScript (js.ts,
 * van Herk / Gil–Werman). Both give the same bytes.
 */
import type { TileView } from '../../model/op.js';
import { simdAvailable } from '../simd.js';
import { withRgba } from '../../model/view.js';
import { jsMorphology } from './js.js';
import { simdMorphology, SIMD_MORPHOLOGY_MAX_RADIUS } from './simd.js';

/** Writes the per-channel max (`min` false) or min (`min` true) over the (2r+1)² square into every `dst` pixel (RGBA or RGB views). */
export function morphology(src: TileView, dst: TileView, r: number, min: boolean): void {
  if (simdAvailable() && r <= SIMD_MORPHOLOGY_MAX_RADIUS) simdMorphology(src, dst, r, min);
  else withRgba(src, dst, (s, d) => jsMorphology(s, d, r, min)); // the JavaScript kernel works on packed RGBA words
}
