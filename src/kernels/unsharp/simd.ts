/**
 * The unsharp-mask combine step on WebAssembly (simd/unsharp.ts): the same
 * table lookup as js.ts, row by row through the module's memory.
 */
import type { TileView } from '../../model/op.js';
import { channelsOf } from '../../model/view.js';
import { arena, simdKernels } from '../simd.js';

/** The whole k ≥ 0 with `detail[diff + 255] = k · diff` for every diff, if the table is that linear. */
function linearFactor(detail: Int16Array): number | undefined {
  const k = detail[256]; // diff = 1
  if (k < 0 || k > 10) return undefined;
  for (let diff = -255; diff <= 255; diff++) if (detail[diff + 255] !== k * diff) return undefined;
  return k;
}

/** As `jsUnsharp`, with the row loop compiled to WebAssembly (SIMD when the table is linear: sharpen's defaults). */
export function simdUnsharp(src: TileView, dst: TileView, detail: Int16Array): void {
  const m = simdKernels();
  const c = channelsOf(src);
  const n = dst.width * c;
  const [detailAt, srcAt, blurAt] = arena(m, [detail.byteLength, n, n]);
  const mem = m.memory.buffer;
  new Int16Array(mem, detailAt, detail.length).set(detail);
  const srcRow = new Uint8Array(mem, srcAt, n);
  const blurRow = new Uint8Array(mem, blurAt, n);
  const d = dst.data;
  const k = linearFactor(detail);
  for (let y = 0; y < dst.height; y++) {
    const si = ((dst.y + y - src.y) * src.width + (dst.x - src.x)) * c;
    srcRow.set(src.data.subarray(si, si + n));
    blurRow.set(d.subarray(y * n, (y + 1) * n));
    if (k === undefined) m.unsharpRow(srcAt, blurAt, blurAt, n, detailAt);
    else m.unsharpRowLinear(srcAt, blurAt, blurAt, n, k);
    d.set(blurRow, y * n);
  }
}
