/**
 * The unsharp-mask combine step used by `sharpen`: the one place that picks
 * WebAssembly (simd.ts) or JavaScript (js.ts). Both give the same bytes.
 */
import type { TileView } from '../../model/op.js';
import { simdAvailable } from '../simd.js';
import { jsUnsharp } from './js.js';
import { simdUnsharp } from './simd.js';

export { detailTable } from './js.js';

/** Replaces the blurred values in `dst` with `src` plus its looked-up detail (see `detailTable`). */
export function unsharp(src: TileView, dst: TileView, detail: Int16Array): void {
  if (simdAvailable()) simdUnsharp(src, dst, detail);
  else jsUnsharp(src, dst, detail);
}
