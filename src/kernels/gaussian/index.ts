/**
 * The Gaussian blur shared by `blur` and `sharpen`: the one place that picks
 * WebAssembly SIMD (simd.ts) or JavaScript (js.ts). Both give the same bytes.
 */
import type { TileView } from '../../model/op.js';
import { simdAvailable } from '../simd.js';
import { jsGaussianBlur, type GaussianTaps } from './js.js';
import { simdGaussianBlur } from './simd.js';

export { gaussianRadius, gaussianTaps, type GaussianTaps, type GaussianPrecision, GAUSSIAN_PRECISIONS } from './js.js';

/** Writes the Gaussian blur of `src` (RGBA or RGB: see `TileView.channels`) into every pixel of `dst`. */
export function gaussianBlur(src: TileView, dst: TileView, taps: GaussianTaps): void {
  if (simdAvailable()) simdGaussianBlur(src, dst, taps);
  else jsGaussianBlur(src, dst, taps);
}
