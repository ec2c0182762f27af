/**
 * The in-memory image between stages: 8-bit RGB, or RGBA when the source had
 * alpha, in its own ArrayBuffer. Kernels always see RGBA (the executor widens
 * an RGB tile on arrival and narrows it on return), so a photo without alpha
 * moves through decode, tiling, transfers and encode at 3 bytes per pixel.
 */

/** An axis-aligned rectangle in pixels. */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Bytes per pixel of a raster: 3 (RGB) or 4 (straight RGBA). */
export type Channels = 3 | 4;

/** A decoded image: `width × height × channels` bytes of RGB or straight RGBA. */
export interface Raster {
  readonly data: Uint8Array;
  /** 3: RGB; 4: RGBA. */
  readonly channels: Channels;
  readonly width: number;
  readonly height: number;
  /** Whether the source had an alpha channel; without it kernels see alpha 255 throughout, and it is dropped on encode. */
  readonly hasAlpha: boolean;
}

/** Copies `rect` of `raster` into `out` (exactly `rect.width × rect.height × channels` bytes; default: a fresh buffer) and returns its ArrayBuffer. */
export function copyRegion(raster: Raster, rect: Rect, out: Uint8Array = new Uint8Array(rect.width * rect.height * raster.channels)): ArrayBuffer {
  const c = raster.channels;
  const rowBytes = rect.width * c;
  if (rect.x === 0 && rect.width === raster.width) {
    const start = rect.y * rowBytes;
    out.set(raster.data.subarray(start, start + rect.height * rowBytes));
  } else {
    for (let y = 0; y < rect.height; y++) {
      const s = ((rect.y + y) * raster.width + rect.x) * c;
      out.set(raster.data.subarray(s, s + rowBytes), y * rowBytes);
    }
  }
  return out.buffer as ArrayBuffer;
}

/** Writes `rect.width × rect.height` pixels of `channels` bytes from `src` into `target` at `rect`. */
export function pasteRegion(target: Uint8Array, targetWidth: number, rect: Rect, src: Uint8Array, channels: Channels): void {
  const rowBytes = rect.width * channels;
  if (rect.x === 0 && rect.width === targetWidth) {
    target.set(src, rect.y * rowBytes);
    return;
  }
  for (let y = 0; y < rect.height; y++) {
    target.set(src.subarray(y * rowBytes, (y + 1) * rowBytes), ((rect.y + y) * targetWidth + rect.x) * channels);
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * RGB bytes widened to RGBA with alpha 255, into `out` (`pixels × 4` bytes, 4-byte aligned) or a fresh buffer. Four pixels
 * move as three 32-bit words in and four out where the bytes are aligned
 * (about 4× faster than byte by byte); the tail and any other case go byte by byte.
 */
export function widenRgb(rgb: Uint8Array, out: Uint8Array = new Uint8Array((rgb.length / 3) * 4)): Uint8Array {
  const pixels = rgb.length / 3;
  let i = 0;
  if (LITTLE_ENDIAN && rgb.byteOffset % 4 === 0 && out.byteOffset % 4 === 0) {
    const in32 = new Int32Array(rgb.buffer, rgb.byteOffset, (pixels >> 2) * 3);
    const out32 = new Int32Array(out.buffer, out.byteOffset, pixels);
    const A = 0xff000000 | 0;
    for (let w = 0; i + 4 <= pixels; i += 4, w += 3) {
      const w0 = in32[w], w1 = in32[w + 1], w2 = in32[w + 2];
      out32[i] = (w0 & 0xffffff) | A;
      out32[i + 1] = ((w0 >>> 24) | ((w1 & 0xffff) << 8) | A);
      out32[i + 2] = ((w1 >>> 16) | ((w2 & 0xff) << 16) | A);
      out32[i + 3] = ((w2 >>> 8) | A);
    }
  }
  for (; i < pixels; i++) {
    out[4 * i] = rgb[3 * i];
    out[4 * i + 1] = rgb[3 * i + 1];
    out[4 * i + 2] = rgb[3 * i + 2];
    out[4 * i + 3] = 255;
  }
  return out;
}

/** RGBA bytes narrowed to RGB (alpha dropped), into `out` (`pixels × 3` bytes) or a fresh buffer; word-wise as `widenRgb`. */
export function narrowToRgb(rgba: Uint8Array, out: Uint8Array = new Uint8Array((rgba.length >> 2) * 3)): Uint8Array {
  const pixels = rgba.length >> 2;
  let i = 0;
  if (LITTLE_ENDIAN && rgba.byteOffset % 4 === 0 && out.byteOffset % 4 === 0) {
    const in32 = new Int32Array(rgba.buffer, rgba.byteOffset, pixels);
    const out32 = new Int32Array(out.buffer, out.byteOffset, (pixels >> 2) * 3);
    for (let w = 0; i + 4 <= pixels; i += 4, w += 3) {
      const p0 = in32[i], p1 = in32[i + 1], p2 = in32[i + 2], p3 = in32[i + 3];
      out32[w] = (p0 & 0xffffff) | (p1 << 24);
      out32[w + 1] = ((p1 >>> 8) & 0xffff) | (p2 << 16);
      out32[w + 2] = ((p2 >>> 16) & 0xff) | (p3 << 8);
    }
  }
  for (; i < pixels; i++) {
    out[3 * i] = rgba[4 * i];
    out[3 * i + 1] = rgba[4 * i + 1];
    out[3 * i + 2] = rgba[4 * i + 2];
  }
  return out;
}
