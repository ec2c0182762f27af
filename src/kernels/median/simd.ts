/**
 * The median filter on WebAssembly SIMD (simd/median.ts): each output row
 * from the 2r + 1 edge-clamped source rows around it, padded with clamped
 * columns, held in a ring so each source row is padded once; radii 1 to 3
 * by selection networks, larger radii bit by bit. Gives the bytes of the
 * JavaScript (Huang) median exactly: the median is one value.
 */
import type { TileView } from '../../model/op.js';
import { arena, simdKernels } from '../simd.js';
import { channelsOf, streamRows } from '../../model/view.js';

/** Largest radius the SIMD median takes: its counts are bytes, (2r+1)² ≤ 255. */
export const SIMD_MEDIAN_MAX_RADIUS = 7;

/** Writes the per-channel median of the (2r+1)² square around each pixel of `dst`, read from `src` (RGBA or RGB views). */
export function simdMedian(src: TileView, dst: TileView, r: number): void {
  const m = simdKernels();
  const c = channelsOf(src);
  const dw = dst.width;
  const n = 2 * r + 1;
  const padW = dw + 2 * r;
  const slotBytes = (padW * c + 31) & ~15; // the kernel reads whole 16-byte blocks; 4-byte aligned slots
  const count = dw * c;
  const network = r === 2 || r === 3;
  // Scratch: row pointers | ring of n padded rows | radii 2 and 3: the window's columns sorted, n rows | output row.
  const [rowsAt, ringAt, sortedAt, outAt] = arena(m, [n * 4, n * slotBytes, network ? n * slotBytes : 0, count]);
  const mem = m.memory.buffer;
  const rowPtrs = new Uint32Array(mem, rowsAt, n);
  const out8 = new Uint8Array(mem, outAt, count);
  const slot = (row: number): number => ringAt + (row % n) * slotBytes;
  streamRows(
    src, dst, r,
    (row, pad, padBytes) => {
      // Every value XOR 0x80, as the kernel expects.
      if (c === 4) return pad(new Uint32Array(mem, slot(row), padW), 0x80808080);
      padBytes(new Uint8Array(mem, slot(row), padW * 3));
      const words = new Uint32Array(mem, slot(row), Math.ceil((padW * 3) / 4));
      for (let i = 0; i < words.length; i++) words[i] ^= 0x80808080;
    },
    (y, window) => {
      for (let j = 0; j < n; j++) rowPtrs[j] = slot(window[j]);
      if (r === 1) m.median3Row(rowsAt, outAt, count, c);
      else if (network) m.medianNetRow(rowsAt, sortedAt, slotBytes, outAt, count, c, n);
      else m.medianRow(rowsAt, outAt, count, n, (n * n - 1) >> 1, c);
      dst.data.set(out8, y * count);
    },
  );
}
