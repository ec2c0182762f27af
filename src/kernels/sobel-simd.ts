/**
 * The Sobel gradient magnitude on WebAssembly SIMD (simd/sobel.ts): a ring
 * of three source rows, each padded by one clamped pixel on both sides. Same
 * bytes as the JavaScript kernel in ops/sobel.ts for R, G and B; alpha is
 * left to the caller (the op keeps the input's).
 */
import type { TileView } from '../op.js';
import { clampedColumns, padRow, pixels32 } from './edges.js';
import { arena, simd, streamRows } from './simd.js';

/** Writes sqrt(Gx² + Gy²) / 4, rounded and clamped, per channel into every `dst` pixel. */
export function simdSobel(src: TileView, dst: TileView): void {
  const m = simd!;
  const H = src.imageHeight;
  const padW = dst.width + 2;
  const count = dst.width * 4;
  const slotBytes = (padW * 4 + 31) & ~15; // the kernel reads whole 16-byte blocks
  // Scratch: ring of 3 padded rows | output row.
  const [ringAt, outAt] = arena(m, [3 * slotBytes, count]);
  const mem = m.memory.buffer;
  const out8 = new Uint8Array(mem, outAt, count);
  const src32 = pixels32(src);
  const colMap = clampedColumns(src, dst, 1);
  const slot = (row: number): number => ringAt + (row % 3) * slotBytes;
  streamRows(
    dst, 1,
    (row) => padRow(src32, src, row, colMap, new Uint32Array(mem, slot(row), padW)),
    (y, gy) => {
      m.sobelRow(slot(Math.max(0, gy - 1)), slot(gy), slot(Math.min(H - 1, gy + 1)), outAt, count);
      dst.data.set(out8, y * count);
    },
  );
}
