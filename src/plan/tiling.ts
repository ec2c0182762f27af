/**
 * The tile grid: core rectangles that cover the image exactly once, and the
 * halo around each, clipped at the image edge (never at a tile edge).
 */
import type { Rect } from '../model/raster.js';

/**
 * Default tile edge for stages with a neighbourhood op, measured with
 * `bench/tile-size.ts` (README, "Tile size"): with the SIMD kernels a
 * 768² blur σ=2 task takes ~9.5 ms, so piscina's ~0.1 ms per task is ~1 %,
 * and the halo of a typical stage adds ~5 % of pixels (15 % at 256).
 * The kernels stream through a few rows, so larger tiles stay cache-friendly.
 */
export const DEFAULT_TILE_SIZE = 768;

/** Default tile edge for point-only stages: per-pixel work is cheap, so tasks must be large (~7 ms for a LUT pass). */
export const POINT_TILE_SIZE = 1024;

/** A tile: the core it produces and the input region (core + halo, clipped) it reads. */
export interface Tile {
  readonly core: Rect;
  readonly input: Rect;
}

/** `rect` grown by `radius` on every side and clipped to the image. */
export function growRect(rect: Rect, radius: number, width: number, height: number): Rect {
  const x = Math.max(0, rect.x - radius);
  const y = Math.max(0, rect.y - radius);
  return {
    x,
    y,
    width: Math.min(width, rect.x + rect.width + radius) - x,
    height: Math.min(height, rect.y + rect.height + radius) - y,
  };
}

/**
 * The tile edge used for a stage: an explicit size as given; otherwise the
 * point-only default for a stage without halo, else the default raised to
 * 8 × the stage's halo radius so halo overhead stays small.
 */
export function stageTileSize(tileSize: number | undefined, radius: number): number {
  if (tileSize !== undefined) return tileSize;
  return radius === 0 ? POINT_TILE_SIZE : Math.max(DEFAULT_TILE_SIZE, 8 * radius);
}

/**
 * For each tile of {@link tileGrid}, the index of the last tile (in row-major
 * order) whose input region overlaps this tile's core. Once that tile has been
 * cut, nothing will read the core's old pixels, so the result can be written
 * back in place.
 */
export function lastReaders(width: number, height: number, tileSize: number, radius: number): Int32Array {
  const cols = Math.ceil(width / tileSize);
  const rows = Math.ceil(height / tileSize);
  const reach = Math.ceil(radius / tileSize);
  const last = new Int32Array(cols * rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) last[r * cols + c] = Math.min(r + reach, rows - 1) * cols + Math.min(c + reach, cols - 1);
  }
  return last;
}

/** Row-major tiles of edge `tileSize` covering a `width × height` image, each with its halo of `radius`. */
export function tileGrid(width: number, height: number, tileSize: number, radius: number): Tile[] {
  const tiles: Tile[] = [];
  for (let y = 0; y < height; y += tileSize) {
    for (let x = 0; x < width; x += tileSize) {
      const core = { x, y, width: Math.min(tileSize, width - x), height: Math.min(tileSize, height - y) };
      tiles.push({ core, input: growRect(core, radius, width, height) });
    }
  }
  return tiles;
}
