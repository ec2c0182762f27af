/**
 * The Sobel gradient magnitude on WebAssembly SIMD (simd/sobel.ts): a ring
 * of three source rows, each padded by one clamped pixel on both sides. Same
 * bytes as the JavaScript kernel in ops/sobel.ts for R, G and B; alpha is
 * left to the caller (the op keeps the input's).
 */
import type { TileView } from '../../model/op.js';
import { arena, simd } from '../simd.js';
import { streamRows } from '../../model/view.js';

/** Writes sqrt(Gx² + Gy²) / 4, rounded and clamped, per channel into every `dst` pixel. */
export function simdSobel(src: TileView, dst: TileView): void {
  const m = simd!;
  const padW = dst.width + 2;
  const count = dst.width * 4;
  const slotBytes = (padW * 4 + 31) & ~15; // the kernel reads whole 16-byte blocks
  // Scratch: ring of 3 padded rows | output row.
  const [ringAt, outAt] = arena(m, [3 * slotBytes, count]);
  const mem = m.memory.buffer;
  const out8 = new Uint8Array(mem, outAt, count);
  const slot = (row: number): number => ringAt + (row % 3) * slotBytes;
  streamRows(
    src, dst, 1,
    (row, pad) => pad(new Uint32Array(mem, slot(row), padW)),
    (y, window) => {
      m.sobelRow(slot(window[0]), slot(window[1]), slot(window[2]), outAt, count);
      dst.data.set(out8, y * count);
    },
  );
}
