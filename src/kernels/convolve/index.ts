/**
 * Square convolution, shared by `convolve` and `emboss`: the one place that
 * picks WebAssembly SIMD (simd.ts) or JavaScript (js.ts). Both give the same
 * bytes.
 */
import type { TileView } from '../../model/op.js';
import { simdAvailable } from '../simd.js';
import { jsConvolve } from './js.js';
import { simdConvolve } from './simd.js';

/**
 * Writes `round(Σ matrix·in / divisor + offset)`, clamped to [0, 255], for every
 * channel of every `dst` pixel (RGBA or RGB views). `matrix` is n×n row-major
 * with n odd; its centre is over the output pixel. `round` is round-half-up
 * (`Math.round`). Edges extend (clamp).
 */
export function convolveSquare(src: TileView, dst: TileView, matrix: readonly number[], divisor: number, offset: number): void {
  if (simdAvailable()) simdConvolve(src, dst, matrix, divisor, offset);
  else jsConvolve(src, dst, matrix, divisor, offset);
}
