/**
 * Reading a tile view the way kernels need it, for built-in ops and plugins
 * alike: pixels at global coordinates clamped to the image (never to the
 * tile: a tile edge is not an image edge), edge-extended rows, and a window
 * of 2r + 1 rows streamed down the output. A kernel using these never clamps
 * by hand.
 */
import type { TileView } from './op.js';
import { narrowToRgb, widenRgb } from './raster.js';

/** Bytes per pixel of a view: 4 (RGBA) unless it says 3 (RGB). */
export function channelsOf(view: TileView): 3 | 4 {
  return view.channels ?? 4;
}

/** The index in `view.data` of the pixel at global (x, y), clamped to the image's edges. */
export function clampedIndex(view: TileView, x: number, y: number): number {
  const cx = x < 0 ? 0 : x >= view.imageWidth ? view.imageWidth - 1 : x;
  const cy = y < 0 ? 0 : y >= view.imageHeight ? view.imageHeight - 1 : y;
  return ((cy - view.y) * view.width + (cx - view.x)) * channelsOf(view);
}

/** Global row `y` clamped to the image: the row an edge-extended read uses. */
export function clampY(view: TileView, y: number): number {
  return y < 0 ? 0 : y >= view.imageHeight ? view.imageHeight - 1 : y;
}

/** The view's row for global row `y`, clamped to the image: its offset in `view.data` (bytes). */
export function clampedRow(view: TileView, y: number): number {
  return (clampY(view, y) - view.y) * view.width * channelsOf(view);
}

/** The view's column for global column `x`, clamped to the image: its byte offset within a row. */
export function clampedColumn(view: TileView, x: number): number {
  const cx = x < 0 ? 0 : x >= view.imageWidth ? view.imageWidth - 1 : x;
  return (cx - view.x) * channelsOf(view);
}

/**
 * For each column of `dst` grown by `r` on both sides, the source pixel index
 * within a row of `src`: the global column clamped to `[0, imageWidth - 1]`,
 * minus `src.x`. Copying a row through this map gives an edge-extended row.
 */
export function clampedColumns(src: TileView, dst: TileView, r: number): Int32Array {
  const W = src.imageWidth;
  const map = new Int32Array(dst.width + 2 * r);
  for (let i = 0; i < map.length; i++) {
    const gx = dst.x - r + i;
    map[i] = (gx < 0 ? 0 : gx >= W ? W - 1 : gx) - src.x;
  }
  return map;
}

/** `src.data` as 32-bit RGBA pixels (tile buffers are 4-byte aligned). */
export function pixels32(view: TileView): Uint32Array {
  return new Uint32Array(view.data.buffer, view.data.byteOffset, view.data.length >> 2);
}

/** Copies source row `row` (global) of `src`, edge-extended through `colMap` (see clampedColumns), into `out`, each pixel XOR `xor`. */
export function padRow(src32: Uint32Array, src: TileView, row: number, colMap: Int32Array, out: Uint32Array, xor = 0): void {
  const s = (row - src.y) * src.width;
  for (let i = 0; i < colMap.length; i++) out[i] = (src32[s + colMap[i]] ^ xor) >>> 0;
}

/** Writes source row `row` of the tile's source, edge-extended to the output's width plus the halo, into `out`, each pixel XOR `xor`. */
export type PadRow = (out: Uint32Array, xor?: number) => void;

/** Writes source row `row` of the tile's source, edge-extended to the output's width plus the halo, into `out` as bytes (`channelsOf(src)` per pixel). */
export type PadRowBytes = (out: Uint8Array) => void;

/**
 * Drives a kernel that streams through a ring of source rows. For each row y
 * of `dst`, first `load(row, pad, padBytes)` is called, in order, for every
 * source row up to y + r (global, clamped to the image) not loaded yet;
 * `pad` (RGBA views only) and `padBytes` (any view) copy that row
 * edge-extended to `dst.width + 2r` pixels. Then `emit(y, window)`,
 * where `window[j]` is the global source row y − r + j, clamped to the image
 * (j = 0 … 2r). Rows are loaded once each; a ring of 2r + 1 slots indexed by
 * `row % (2r + 1)` then holds every row of the window.
 */
export function streamRows(
  src: TileView, dst: TileView, r: number,
  load: (row: number, pad: PadRow, padBytes: PadRowBytes) => void,
  emit: (y: number, window: Int32Array) => void,
): void {
  const H = dst.imageHeight;
  const c = channelsOf(src);
  const src32 = c === 4 ? pixels32(src) : new Uint32Array(0);
  const src8 = src.data;
  const colMap = clampedColumns(src, dst, r);
  // Without XOR, a padded row is: the first pixel repeated, one contiguous run of source pixels, the last pixel repeated.
  const x0 = dst.x - r;
  const inside = Math.min(dst.imageWidth, x0 + colMap.length) - Math.max(0, x0);
  const left = Math.max(0, x0) - x0;
  const right = left + inside;
  const copyRow = (row: number, out: Uint32Array): void => {
    const s = (row - src.y) * src.width;
    const first = s + colMap[left];
    if (left > 0) out.fill(src32[first], 0, left);
    out.set(src32.subarray(first, first + inside), left);
    if (right < colMap.length) out.fill(src32[first + inside - 1], right, colMap.length);
  };
  const copyBytes = (row: number, out: Uint8Array): void => {
    const first = ((row - src.y) * src.width + colMap[left]) * c;
    out.set(src8.subarray(first, first + inside * c), left * c);
    for (let i = 0; i < left; i++) out.copyWithin(i * c, left * c, left * c + c);
    for (let i = right; i < colMap.length; i++) out.copyWithin(i * c, (right - 1) * c, right * c);
  };
  const window = new Int32Array(2 * r + 1);
  let next = Math.max(0, dst.y - r);
  for (let y = 0; y < dst.height; y++) {
    const gy = dst.y + y;
    for (const last = Math.min(H - 1, gy + r); next <= last; next++) {
      const row = next;
      load(
        row,
        (out, xor = 0) => (xor === 0 ? copyRow(row, out) : padRow(src32, src, row, colMap, out, xor)),
        (out) => copyBytes(row, out),
      );
    }
    for (let j = 0; j <= 2 * r; j++) {
      const g = gy - r + j;
      window[j] = g < 0 ? 0 : g >= H ? H - 1 : g;
    }
    emit(y, window);
  }
}

/** Runs a kernel that takes RGBA views only on any views: RGB ones are widened to RGBA (alpha 255) and the result narrowed back. */
export function withRgba(src: TileView, dst: TileView, kernel: (src: TileView, dst: TileView) => void): void {
  if (channelsOf(src) === 4) {
    kernel(src, dst);
    return;
  }
  const wide = { ...dst, channels: 4 as const, data: new Uint8Array(dst.width * dst.height * 4) };
  kernel({ ...src, channels: 4, data: widenRgb(src.data) }, wide);
  narrowToRgb(wide.data, dst.data);
}
