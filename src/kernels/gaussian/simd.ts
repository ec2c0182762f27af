/**
 * The Gaussian blur on WebAssembly SIMD: the same two passes and integer
 * arithmetic as `gaussianBlur`'s JavaScript row kernels (every output byte is
 * the same; test/unit/simd-gaussian.test.ts compares them), with the row
 * kernels and the row loop in ../simd/gaussian.ts compiled to WebAssembly.
 *
 * The view's rows are copied into the module's memory in bands (one copy
 * each way per band; a 768-pixel tile is one band), and the module runs the
 * whole band: no per-row calls or copies from JavaScript. Bands keep the
 * module's memory small for whole-image views; each band after the first
 * re-runs the horizontal pass on the 2r source rows it shares with the last.
 */
import type { TileView } from '../../model/op.js';
import type { GaussianTaps } from './js.js';
import { arena, roundUp16, simdKernels, type SimdKernels } from '../simd.js';
import { channelsOf } from '../../model/view.js';

/** Source and output bytes of one band, at most (a band is at least one output row). */
const BAND_BYTES = 16 << 20;

/** One band of output in the module's memory, just blurred, before it is copied out. */
export interface GaussianBand {
  readonly module: SimdKernels;
  /** Where source row `first` (global) starts in the module's memory; rows are `srcRowBytes` apart. */
  readonly srcAt: number;
  readonly first: number;
  readonly srcRowBytes: number;
  /** Where output row `y0` (row of `dst`, not global) starts; rows are `dst.width × channels` bytes apart. */
  readonly outAt: number;
  readonly y0: number;
  readonly y1: number;
  /** `scratchBytes` bytes of the module's memory for `finish`, kept across the bands of one call. */
  readonly scratchAt: number;
}

/** What `simdGaussianBlur` does besides the blur. */
export interface GaussianBandOptions {
  /** Runs on each band in the module's memory before it is copied out (sharpen's combine step). */
  readonly finish?: (band: GaussianBand) => void;
  /** Bytes of scratch `finish` needs (see `GaussianBand.scratchAt`). */
  readonly scratchBytes?: number;
  /** The most source and output bytes in one band (default `BAND_BYTES`; tests make it small). */
  readonly bandBytes?: number;
}

/** Writes the Gaussian blur of `src` (RGBA or RGB) into every pixel of `dst`, with the WebAssembly SIMD kernels. */
export function simdGaussianBlur(src: TileView, dst: TileView, taps: GaussianTaps, { finish, scratchBytes = 0, bandBytes = BAND_BYTES }: GaussianBandOptions = {}): void {
  const m = simdKernels();
  const r = taps.radius;
  const c = channelsOf(src);
  const H = dst.imageHeight;
  const n = dst.width * c; // output bytes per row
  const srcRowBytes = src.width * c;
  // A padded source row: `left` copies of the image's first pixel, `inside` pixels of the row, then copies of its last.
  const x0 = dst.x - r;
  const from = Math.max(0, x0);
  const inside = Math.min(dst.imageWidth, x0 + dst.width + 2 * r) - from;
  const bandRows = Math.max(1, Math.min(dst.height, Math.floor(bandBytes / (srcRowBytes + n)) - 2 * r));
  const srcRows = Math.min(bandRows + 2 * r, src.height);
  const ring = 2 * r + 1;
  const slotBytes = roundUp16(n) * 2; // u16 values; the kernels write whole 16-value blocks
  const [srcAt, outAt, tapsAt, rowsAt, padAt, ringAt, scratchAt] = arena(m, [srcRows * srcRowBytes, bandRows * n, (r + 1) * 4, ring * 4, (dst.width + 2 * r) * c, ring * slotBytes, scratchBytes]);
  const mem = m.memory.buffer;
  new Int32Array(mem, tapsAt, r + 1).set(taps.weights);
  for (let y0 = 0; y0 < dst.height; y0 += bandRows) {
    const y1 = Math.min(dst.height, y0 + bandRows);
    const first = Math.max(0, dst.y + y0 - r);
    const last = Math.min(H - 1, dst.y + y1 - 1 + r);
    new Uint8Array(mem, srcAt).set(src.data.subarray((first - src.y) * srcRowBytes, (last + 1 - src.y) * srcRowBytes));
    m.gaussianBand(srcAt, first, last, srcRowBytes, (from - src.x) * c, from - x0, inside, outAt, dst.y + y0, dst.y + y1, H, n, c, tapsAt, r, padAt, ringAt, slotBytes, rowsAt);
    finish?.({ module: m, srcAt, first, srcRowBytes, outAt, y0, y1, scratchAt });
    dst.data.set(new Uint8Array(mem, outAt, (y1 - y0) * n), y0 * n);
  }
}
