/**
 * The unsharp mask used by `sharpen`: the one place that picks WebAssembly
 * (simd.ts) or JavaScript (js.ts). Both give the same bytes.
 */
import type { TileView } from '../../model/op.js';
import { simdAvailable } from '../simd.js';
import { jsGaussianBlur, type GaussianTaps } from '../gaussian/js.js';
import { jsUnsharp } from './js.js';
import { simdUnsharpMask } from './simd.js';

export { detailTable } from './js.js';

/** Writes into every pixel of `dst` the value of `src` there plus its looked-up detail (see `detailTable`) over the Gaussian `taps`. */
export function unsharpMask(src: TileView, dst: TileView, taps: GaussianTaps, detail: Int16Array): void {
  if (simdAvailable()) {
    simdUnsharpMask(src, dst, taps, detail);
  } else {
    jsGaussianBlur(src, dst, taps);
    jsUnsharp(src, dst, detail);
  }
}
