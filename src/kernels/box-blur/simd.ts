/**
 * Box blur on WebAssembly SIMD (simd/box-blur.ts): source rows padded with
 * clamped columns into a ring of 2r + 2 rows, running column sums slid down
 * one row per output row, and each output row the difference of running
 * prefixes along the column sums. Same bytes as the JavaScript kernel.
 */
import type { TileView } from '../../model/op.js';
import { arena, simdKernels } from '../simd.js';
import { channelsOf, streamRows } from '../../model/view.js';

/** Writes round(mean) over the (2r+1)² square, per channel, into every `dst` pixel (RGBA or RGB views). */
export function simdBoxBlur(src: TileView, dst: TileView, r: number): void {
  const m = simdKernels();
  const c = channelsOf(src);
  const n = 2 * r + 1;
  const padW = dst.width + 2 * r;
  const padBytes = padW * c;
  const count = dst.width * c;
  const slotBytes = (padBytes + 31) & ~15; // whole 16-byte blocks, plus slack
  // The ring holds the window's rows and the row leaving it, which the row entering it would otherwise overwrite.
  const slots = n + 1;
  // Scratch: row pointers | ring of padded rows | column sums (u16) | prefixes (i32x4 per pixel) | output row.
  const [rowsAt, ringAt, colAt, prefixAt, outAt] = arena(m, [n * 4, slots * slotBytes, 2 * slotBytes, (padW + 1) * 16, count + 4]);
  const mem = m.memory.buffer;
  const rowPtrs = new Uint32Array(mem, rowsAt, n);
  const out8 = new Uint8Array(mem, outAt, count);
  const slot = (row: number): number => ringAt + (row % slots) * slotBytes;
  const area = n * n;
  let leaving = -1;
  streamRows(
    src, dst, r,
    (row, pad, bytes) => (c === 4 ? pad(new Uint32Array(mem, slot(row), padW)) : bytes(new Uint8Array(mem, slot(row), padBytes))),
    (y, window) => {
      if (leaving < 0) {
        for (let j = 0; j < n; j++) rowPtrs[j] = slot(window[j]);
        m.boxColumnInit(rowsAt, n, colAt, padBytes);
      } else {
        m.boxColumnSlide(slot(window[n - 1]), slot(leaving), colAt, padBytes);
      }
      leaving = window[0];
      m.boxRow(colAt, prefixAt, outAt, dst.width, c, n, area);
      dst.data.set(out8, y * count);
    },
  );
}
