/**
 * The Sobel gradient magnitude: the one place that picks WebAssembly SIMD
 * (simd.ts) or JavaScript (js.ts). Both give the same bytes.
 */
import type { TileView } from '../../model/op.js';
import { simdAvailable } from '../simd.js';
import { jsSobel } from './js.js';
import { simdSobel } from './simd.js';

/** Writes the Sobel magnitude of R, G and B into every `dst` pixel (alpha is the executor's). */
export function sobel(src: TileView, dst: TileView): void {
  if (simdAvailable()) simdSobel(src, dst);
  else jsSobel(src, dst);
}
