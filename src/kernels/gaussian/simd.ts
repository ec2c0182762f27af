/**
 * The Gaussian blur on WebAssembly SIMD: the same two passes and integer
 * arithmetic as `gaussianBlur`'s JavaScript row kernels (every output byte is
 * the same; test/unit/simd-kernels.test.ts compares them), with the row kernels
 * in ../simd/gaussian.ts compiled to WebAssembly.
 *
 * The horizontal pass streams through a ring of 2r + 1 rows, so the module's
 * memory is a few rows wide whatever the tile or image height. Each worker
 * thread instantiates its own module (simd.ts).
 */
import type { TileView } from '../../model/op.js';
import type { GaussianTaps } from './js.js';
import { arena, roundUp16, simdKernels } from '../simd.js';
import { channelsOf, streamRows } from '../../model/view.js';

/** Writes the Gaussian blur of `src` (RGBA or RGB) into every pixel of `dst`, with the WebAssembly SIMD row kernels. */
export function simdGaussianBlur(src: TileView, dst: TileView, taps: GaussianTaps): void {
  const m = simdKernels();
  const r = taps.radius;
  const c = channelsOf(src);
  const dw = dst.width;
  const n = dw * c; // values per row
  const ring = 2 * r + 1;
  const slotBytes = roundUp16(n) * 2; // u16 values; the kernels write whole 16-value blocks

  // Scratch in the module's memory: taps | row pointers | padded row | ring of u16 rows | output row.
  const [tapsAt, rowsAt, padAt, ringAt, outAt] = arena(m, [(r + 1) * 4, ring * 4, (dw + 2 * r) * c + 16, ring * slotBytes, n]);
  const mem = m.memory.buffer;
  new Int32Array(mem, tapsAt, r + 1).set(taps.weights);
  const rowPtrs = new Uint32Array(mem, rowsAt, ring);
  const pad8 = new Uint8Array(mem, padAt, (dw + 2 * r) * c);
  const pad32 = c === 4 ? new Uint32Array(mem, padAt, dw + 2 * r) : undefined;
  const out8 = new Uint8Array(mem, outAt, n);

  const slot = (row: number): number => ringAt + (row % ring) * slotBytes;
  streamRows(
    src, dst, r,
    (row, pad, padBytes) => {
      if (pad32) pad(pad32);
      else padBytes(pad8);
      m.horizontal(padAt, slot(row), n, tapsAt, r, c);
    },
    (y, window) => {
      rowPtrs[0] = slot(window[r]);
      for (let t = 1; t <= r; t++) {
        rowPtrs[2 * t - 1] = slot(window[r - t]);
        rowPtrs[2 * t] = slot(window[r + t]);
      }
      m.vertical(rowsAt, outAt, n, tapsAt, r);
      dst.data.set(out8, y * n);
    },
  );
}
