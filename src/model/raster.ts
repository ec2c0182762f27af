/**
 * The in-memory image: 8-bit RGBA in its own ArrayBuffer, plus whether the
 * source had alpha (so the output keeps 3 or 4 channels).
 */

/** An axis-aligned rectangle in pixels. */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A decoded image: `width × height × 4` bytes of straight RGBA. */
export interface Raster {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** Whether the source had an alpha channel; without it alpha is 255 throughout and dropped on encode. */
  readonly hasAlpha: boolean;
}

/** Copies `rect` of `raster` into a fresh ArrayBuffer of exactly `rect.width × rect.height × 4` bytes. */
export function copyRegion(raster: Raster, rect: Rect): ArrayBuffer {
  const out = new Uint8Array(rect.width * rect.height * 4);
  const rowBytes = rect.width * 4;
  if (rect.x === 0 && rect.width === raster.width) {
    const start = rect.y * rowBytes;
    out.set(raster.data.subarray(start, start + rect.height * rowBytes));
  } else {
    for (let y = 0; y < rect.height; y++) {
      const s = ((rect.y + y) * raster.width + rect.x) * 4;
      out.set(raster.data.subarray(s, s + rowBytes), y * rowBytes);
    }
  }
  return out.buffer;
}

/** Writes `rect.width × rect.height` RGBA pixels from `src` into `target` at `rect`. */
export function pasteRegion(target: Uint8Array, targetWidth: number, rect: Rect, src: Uint8Array): void {
  const rowBytes = rect.width * 4;
  if (rect.x === 0 && rect.width === targetWidth) {
    target.set(src, rect.y * rowBytes);
    return;
  }
  for (let y = 0; y < rect.height; y++) {
    target.set(src.subarray(y * rowBytes, (y + 1) * rowBytes), ((rect.y + y) * targetWidth + rect.x) * 4);
  }
}
