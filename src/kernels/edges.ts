/**
 * Image-edge extension for neighbourhood kernels: the columns a kernel reads,
 * clamped to the image (never to the tile), as indices into the source view.
 */
import type { TileView } from '../model/op.js';

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
