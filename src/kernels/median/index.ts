/**
 * The median filter: the one place that picks WebAssembly SIMD (simd.ts,
 * radius ≤ 7: selection networks at radii 1 and 2, bitwise rank selection
 * above) or JavaScript (js.ts, Huang's sliding histograms). Both give the
 * same bytes.
 */
import type { TileView } from '../../model/op.js';
import { simdAvailable } from '../simd.js';
import { withRgba } from '../../model/view.js';
import { huangMedian } from './js.js';
import { simdMedian, SIMD_MEDIAN_MAX_RADIUS } from './simd.js';

/** Writes the per-channel median over the (2r+1)² square into every `dst` pixel (RGBA or RGB views). */
export function median(src: TileView, dst: TileView, r: number): void {
  if (simdAvailable() && r <= SIMD_MEDIAN_MAX_RADIUS) simdMedian(src, dst, r);
  else withRgba(src, dst, (s, d) => huangMedian(s, d, r)); // Huang's histograms work on packed RGBA words
}
