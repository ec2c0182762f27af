/**
 * One slice of a parallel PNG encode, as a pool worker runs it: a band of
 * rows becomes PNG scanlines (filter type 0, RGB or RGBA) and is deflated
 * into raw deflate blocks that, concatenated in order, form one zlib stream.
 * The previous 32 KB of scanlines is the band's preset dictionary, so the
 * bands compress almost as well as one stream (the pigz technique).
 */
import zlib from 'node:zlib';

/** A band of rows to deflate; `pixels` holds `dictRows` rows before the band, then the band's `rows` rows, and is transferred. */
export interface DeflateTask {
  readonly pixels: ArrayBuffer;
  /** Bytes per pixel in `pixels`: 3 (RGB) or 4 (RGBA). */
  readonly pixelBytes: 3 | 4;
  readonly width: number;
  readonly rows: number;
  /** Rows before the band, present only to build the 32 KB preset dictionary. */
  readonly dictRows: number;
  /** 3 drops alpha (colour type 2), 4 keeps it (colour type 6). */
  readonly channels: 3 | 4;
  readonly level: number;
  /** The last band ends the deflate stream; the others end on a byte boundary (sync flush). */
  readonly last: boolean;
}

/** A deflated band: its raw deflate bytes, and the Adler-32 and length of its uncompressed scanlines. */
export interface DeflateResult {
  readonly data: ArrayBuffer;
  readonly adler: number;
  readonly length: number;
}

/** The zlib window: the most history a preset dictionary can give. */
const WINDOW = 32 * 1024;

/** PNG scanlines (a 0 filter byte, then the row's pixels) of `rows` rows of `pixelBytes`-byte pixels, written with `channels` bytes each. */
function scanlines(pixels: Uint8Array, pixelBytes: 3 | 4, width: number, rows: number, channels: 3 | 4): Uint8Array {
  const stride = width * channels + 1;
  const out = new Uint8Array(stride * rows);
  const rowBytes = width * pixelBytes;
  if (channels === pixelBytes) {
    for (let y = 0; y < rows; y++) out.set(pixels.subarray(y * rowBytes, (y + 1) * rowBytes), y * stride + 1);
    return out;
  }
  // RGBA in, RGB out (alpha dropped).
  for (let y = 0; y < rows; y++) {
    let s = y * rowBytes;
    let d = y * stride + 1;
    for (let x = 0; x < width; x++, s += 4, d += 3) {
      out[d] = pixels[s];
      out[d + 1] = pixels[s + 1];
      out[d + 2] = pixels[s + 2];
    }
  }
  return out;
}

/** Adler-32 of `data` (RFC 1950). */
export function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0, n = data.length; i < n; ) {
    const end = Math.min(n, i + 5552); // the most bytes before the sums can overflow 2^32
    for (; i < end; i++) {
      a += data[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** Deflates one band (see {@link DeflateTask}). */
export function deflateBand(task: DeflateTask): DeflateResult {
  const { width, rows, dictRows, channels } = task;
  const all = scanlines(new Uint8Array(task.pixels), task.pixelBytes, width, dictRows + rows, channels);
  const split = dictRows * (width * channels + 1);
  const band = all.subarray(split);
  const options: zlib.ZlibOptions = {
    level: task.level,
    finishFlush: task.last ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH,
  };
  if (split > 0) options.dictionary = all.subarray(Math.max(0, split - WINDOW), split);
  const deflated = zlib.deflateRawSync(band, options);
  // A fresh ArrayBuffer of exactly the deflated bytes, so it can be transferred back.
  const data = new Uint8Array(deflated.length);
  data.set(deflated);
  return { data: data.buffer, adler: adler32(band), length: band.length };
}
