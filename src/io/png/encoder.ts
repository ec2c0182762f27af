/**
 * A PNG encoder that deflates bands of rows on all workers at once: codecs
 * are single-threaded, so for one big image sharp's PNG encode is serial
 * time no tiling can hide. The bytes on disk differ from sharp's; the pixels
 * are the same (lossless). Like sharp's defaults it uses no row filter and
 * deflate level 6 (libdeflate's, in WebAssembly: see deflate.ts); sizes come
 * within a few percent of sharp's, either side (docs/performance.md).
 *
 * Bands go out in order as their deflated bytes come back; at most `window`
 * are in flight, so memory stays a few bands wide.
 */
import { open } from 'node:fs/promises';
import zlib from 'node:zlib';
import type { Raster } from '../../model/raster.js';
import type { DeflateResult, DeflateTask } from './deflate.js';

/**
 * The default smallest PNG, in pixels, deflated in bands with `workers` pool
 * workers: 16 MP from 2 workers (where one band on each core beats the serial
 * codec), never with 1.
 */
export function defaultParallelPngMinPixels(workers: number): number | false {
  return workers >= 2 ? 16_000_000 : false;
}

/** Runs one band's deflate (on a pool worker). */
export type DeflateRunner = (task: DeflateTask, signal?: AbortSignal) => Promise<DeflateResult>;

/** Options of {@link writePngParallel}. */
export interface ParallelPngOptions {
  /** Runs bands; several are in flight at once. */
  readonly run: DeflateRunner;
  /** Bands in flight at most (default 4). */
  readonly window?: number;
  /** Uncompressed bytes per band, roughly (default 4 MB: tens of ms of deflate, far above per-task overhead). */
  readonly bandBytes?: number;
  /** Deflate level (default 6, as sharp's). */
  readonly level?: number;
  readonly signal?: AbortSignal;
}

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
/** zlib stream header: deflate, 32 KB window, default compression, check bits. */
const ZLIB_HEADER = Uint8Array.of(0x78, 0x9c);
/** An empty final block (fixed Huffman, end-of-block only): ends the stream after the bands' sync flushes. */
const FINAL_BLOCK = Uint8Array.of(0x03, 0x00);

/** A PNG chunk: length, type, data, CRC-32 of type and data. */
function chunk(type: string, ...parts: Uint8Array[]): Buffer {
  const length = parts.reduce((n, p) => n + p.length, 0);
  const out = Buffer.allocUnsafe(12 + length);
  out.writeUInt32BE(length, 0);
  out.write(type, 4, 'latin1');
  let at = 8;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  out.writeUInt32BE(zlib.crc32(out.subarray(4, at)), at);
  return out;
}

/** Adler-32 of a concatenation, from the Adler-32s of its parts (zlib's adler32_combine). */
export function adler32Combine(a1: number, a2: number, len2: number): number {
  const BASE = 65521;
  const rem = len2 % BASE;
  let sum1 = a1 & 0xffff;
  let sum2 = (rem * sum1) % BASE;
  sum1 += (a2 & 0xffff) + BASE - 1;
  sum2 += ((a1 >>> 16) & 0xffff) + ((a2 >>> 16) & 0xffff) + BASE - rem;
  if (sum1 >= BASE) sum1 -= BASE;
  if (sum1 >= BASE) sum1 -= BASE;
  if (sum2 >= 2 * BASE) sum2 -= 2 * BASE;
  if (sum2 >= BASE) sum2 -= BASE;
  return ((sum2 << 16) | sum1) >>> 0;
}

/** Writes `raster` to `file` as an 8-bit PNG (RGB, or RGBA when it has alpha); returns the file's size. */
export async function writePngParallel(raster: Raster, file: string, options: ParallelPngOptions): Promise<number> {
  const { width, height } = raster;
  const channels = raster.hasAlpha ? 4 : 3;
  const stride = width * channels + 1;
  const bandRows = Math.max(1, Math.ceil((options.bandBytes ?? 4 << 20) / stride));
  const bands = Math.ceil(height / bandRows);
  const window = Math.max(1, options.window ?? 4);
  const level = options.level ?? 6;

  const task = (i: number): Promise<DeflateResult> => {
    const y0 = i * bandRows;
    const rows = Math.min(bandRows, height - y0);
    const px = raster.channels;
    // A copy in its own ArrayBuffer (it is transferred; the raster may be a Buffer, whose slice() would share memory).
    const pixels = new Uint8Array(rows * width * px);
    pixels.set(raster.data.subarray(y0 * width * px, (y0 + rows) * width * px));
    return options.run({ pixels: pixels.buffer, pixelBytes: px, width, rows, channels, level }, options.signal);
  };

  const fh = await open(file, 'w');
  try {
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(width, 0);
    ihdr.writeUInt32BE(height, 4);
    ihdr.set([8, channels === 4 ? 6 : 2, 0, 0, 0], 8);
    let size = 0;
    const write = async (b: Uint8Array): Promise<void> => {
      for (let at = 0; at < b.length; ) at += (await fh.write(b, at, b.length - at)).bytesWritten;
      size += b.length;
    };
    await write(SIGNATURE);
    await write(chunk('IHDR', ihdr));

    const pending: Promise<DeflateResult>[] = [];
    for (let i = 0; i < Math.min(window, bands); i++) pending.push(task(i));
    pending.forEach((p) => p.catch(() => {})); // awaited in order below; none may go unhandled meanwhile
    let adler = 1;
    for (let i = 0; i < bands; i++) {
      const r = await pending[i];
      if (i + window < bands) {
        const next = task(i + window);
        next.catch(() => {});
        pending.push(next);
      }
      adler = adler32Combine(adler, r.adler, r.length);
      const parts: Uint8Array[] = [];
      if (i === 0) parts.push(ZLIB_HEADER);
      parts.push(new Uint8Array(r.data));
      if (i === bands - 1) {
        const tail = Buffer.alloc(4);
        tail.writeUInt32BE(adler, 0);
        parts.push(FINAL_BLOCK, tail);
      }
      await write(chunk('IDAT', ...parts));
    }
    await write(chunk('IEND'));
    return size;
  } finally {
    await fh.close();
  }
}
