/**
 * The whole unsharp mask on WebAssembly: the Gaussian (../gaussian/simd.ts)
 * and the combine step (simd/unsharp.ts) on each band while it is still in
 * the module's memory, so the blurred values are never copied out and back.
 * The same table lookup as js.ts, so every output byte is the same.
 */
import type { TileView } from '../../model/op.js';
import { channelsOf } from '../../model/view.js';
import { simdGaussianBlur, type GaussianBand } from '../gaussian/simd.js';
import type { GaussianTaps } from '../gaussian/js.js';

/** The whole k ≥ 0 with `detail[diff + 255] = k · diff` for every diff, if the table is that linear. */
function linearFactor(detail: Int16Array): number | undefined {
  const k = detail[256]; // diff = 1
  if (k < 0 || k > 10) return undefined;
  for (let diff = -255; diff <= 255; diff++) if (detail[diff + 255] !== k * diff) return undefined;
  return k;
}

/**
 * Writes `src` plus its looked-up detail over the Gaussian (`taps`) into
 * every pixel of `dst`, as `jsUnsharp` after `jsGaussianBlur` does (SIMD when
 * the table is linear: sharpen's defaults). `bandBytes`: see `simdGaussianBlur`.
 */
export function simdUnsharpMask(src: TileView, dst: TileView, taps: GaussianTaps, detail: Int16Array, bandBytes?: number): void {
  const c = channelsOf(src);
  const n = dst.width * c;
  const k = linearFactor(detail);
  const coreAt = (dst.x - src.x) * c; // the output's first column within a source row
  const combine = ({ module: m, srcAt, first, srcRowBytes, outAt, y0, y1, scratchAt }: GaussianBand): void => {
    if (k === undefined && y0 === 0) new Int16Array(m.memory.buffer, scratchAt, detail.length).set(detail);
    for (let y = y0; y < y1; y++) {
      const s = srcAt + (dst.y + y - first) * srcRowBytes + coreAt;
      const b = outAt + (y - y0) * n;
      if (k === undefined) m.unsharpRow(s, b, b, n, scratchAt);
      else m.unsharpRowLinear(s, b, b, n, k);
    }
  };
  simdGaussianBlur(src, dst, taps, { finish: combine, scratchBytes: detail.byteLength, bandBytes });
}
