/**
 * The box blur: the one place that picks WebAssembly SIMD (simd.ts) or
 * JavaScript (js.ts). Both give the same bytes.
 */
import type { TileView } from '../../model/op.js';
import { simdAvailable } from '../simd.js';
import { jsBoxBlur } from './js.js';
import { simdBoxBlur } from './simd.js';

/** Writes round(mean) over the (2r+1)² square, per channel, into every `dst` pixel (RGBA or RGB views); edges extend. */
export function boxBlur(src: TileView, dst: TileView, r: number): void {
  if (simdAvailable()) simdBoxBlur(src, dst, r);
  else jsBoxBlur(src, dst, r);
}
