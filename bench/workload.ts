/**
 * Deterministic benchmark workloads, generated at run time (nothing large is
 * committed): photographic-like RGBA rasters of any size.
 */
import type { Raster } from '../src/model/raster.js';

/** A `width × height` RGBA raster: smooth gradients, hard edges and seeded noise. */
export function syntheticRaster(width: number, height: number, seed = 1, hasAlpha = false): Raster {
  const data = new Uint8Array(width * height * 4);
  let s = seed >>> 0;
  for (let y = 0; y < height; y++) {
    const gy = (y * 255) / height;
    for (let x = 0; x < width; x++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const n = (s >>> 24) - 128;
      const i = (y * width + x) * 4;
      const edge = ((x >> 7) + (y >> 7)) & 1 ? 40 : 0;
      data[i] = Math.max(0, Math.min(255, (x * 255) / width + (n >> 2) + edge));
      data[i + 1] = Math.max(0, Math.min(255, gy + (n >> 3)));
      data[i + 2] = Math.max(0, Math.min(255, 128 + 90 * Math.sin((x + 2 * y) / 50) + (n >> 2)));
      data[i + 3] = hasAlpha ? 255 - ((x * 255) / width) : 255;
    }
  }
  return { data, width, height, channels: 4, hasAlpha };
}

/** Median of a list of numbers. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
