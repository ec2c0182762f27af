/**
 * The Sobel gradient magnitude on WebAssembly SIMD (simd/sobel.ts): a ring
 * of three source rows, each padded by one clamped pixel on both sides. Same
 * bytes as the JavaScript kernel in ops/sobel.ts for R, G and B; alpha is
 * left to the caller (the op keeps the input's).
 */
import type { TileView } from '../../model/op.js';
import { arena, simdKernels } from '../simd.js';
import { channelsOf, streamRows } from '../../model/view.js';

/** Writes sqrt(Gx² + Gy²) / 4, rounded and clamped, per channel into every `dst` pixel (RGBA or RGB views). */
export function simdSobel(src: TileView, dst: TileView): void {
  const m = simdKernels();
  const c = channelsOf(src);
  const padW = dst.width + 2;
  const count = dst.width * c;
  const slotBytes = (padW * c + 31) & ~15; // the kernel reads whole 16-byte blocks
  // Scratch: ring of 3 padded rows | output row.
  const [ringAt, outAt] = arena(m, [3 * slotBytes, count]);
  const mem = m.memory.buffer;
  const out8 = new Uint8Array(mem, outAt, count);
  const slot = (row: number): number => ringAt + (row % 3) * slotBytes;
  streamRows(
    src, dst, 1,
    (row, pad, padBytes) => (c === 4 ? pad(new Uint32Array(mem, slot(row), padW)) : padBytes(new Uint8Array(mem, slot(row), padW * 3))),
    (y, window) => {
      m.sobelRow(slot(window[0]), slot(window[1]), slot(window[2]), outAt, count, c);
      dst.data.set(out8, y * count);
    },
  );
}
