/**
 * One slice of a parallel PNG encode, as a pool worker runs it: a band of
 * rows becomes PNG scanlines (filter type 0, RGB or RGBA) and is deflated
 * by libdeflate compiled to WebAssembly (deflate.wasm, built by
 * scripts/deflate-wasm/build.mjs) into raw deflate blocks, none final, ending
 * byte-aligned with an empty stored block (a sync flush): concatenated in
 * order, the bands form one stream, which the encoder ends.
 *
 * Per core, libdeflate at level 6 in WebAssembly deflates about as fast as
 * the zlib-ng that libvips links (Node's zlib takes 1.3–3× as long), which is
 * what makes deflating in bands pay from two workers.
 */
import { instantiateWasm, type WasmMemory } from '../../model/wasm-module.js';
import { packageFile } from '../../model/package-files.js';

/** A band of rows to deflate; `pixels` holds the band's `rows` rows, and is transferred. */
export interface DeflateTask {
  readonly pixels: ArrayBuffer;
  /** Bytes per pixel in `pixels`: 3 (RGB) or 4 (RGBA). */
  readonly pixelBytes: 3 | 4;
  readonly width: number;
  readonly rows: number;
  /** 3 drops alpha (colour type 2), 4 keeps it (colour type 6). */
  readonly channels: 3 | 4;
  /** libdeflate level, 1–12. */
  readonly level: number;
}

/** A deflated band: its raw deflate bytes, and the Adler-32 and length of its uncompressed scanlines. */
export interface DeflateResult {
  readonly data: ArrayBuffer;
  readonly adler: number;
  readonly length: number;
}

/** The exports of deflate.wasm (scripts/deflate-wasm/wrapper.c). */
interface DeflateWasm {
  readonly memory: WasmMemory;
  tp_buffers(level: number, inBytes: number): number;
  tp_output(input: number, inBytes: number): number;
  tp_bound(level: number, inBytes: number): number;
  tp_deflate(level: number, input: number, inBytes: number, output: number, outCap: number): number;
}

let loaded: DeflateWasm | undefined;

/** This thread's instance of deflate.wasm, made on first use. */
function deflateWasm(): DeflateWasm {
  loaded ??= instantiateWasm<DeflateWasm>(packageFile('deflate'));
  return loaded;
}

/** Writes PNG scanlines (a 0 filter byte, then the row's pixels) of `rows` rows of `pixelBytes`-byte pixels into `out`, with `channels` bytes each. */
function scanlines(pixels: Uint8Array, pixelBytes: 3 | 4, width: number, rows: number, channels: 3 | 4, out: Uint8Array): void {
  const stride = width * channels + 1;
  const rowBytes = width * pixelBytes;
  if (channels === pixelBytes) {
    for (let y = 0; y < rows; y++) {
      out[y * stride] = 0;
      out.set(pixels.subarray(y * rowBytes, (y + 1) * rowBytes), y * stride + 1);
    }
    return;
  }
  // RGBA in, RGB out (alpha dropped).
  for (let y = 0; y < rows; y++) {
    let s = y * rowBytes;
    let d = y * stride;
    out[d++] = 0;
    for (let x = 0; x < width; x++, s += 4, d += 3) {
      out[d] = pixels[s];
      out[d + 1] = pixels[s + 1];
      out[d + 2] = pixels[s + 2];
    }
  }
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
  const { width, rows, channels, level } = task;
  const m = deflateWasm();
  const length = rows * (width * channels + 1);
  const input = m.tp_buffers(level, length);
  if (input === 0) throw new Error(`cannot reserve ${length} bytes of WebAssembly memory for a PNG band`);
  const lines = new Uint8Array(m.memory.buffer, input, length);
  scanlines(new Uint8Array(task.pixels), task.pixelBytes, width, rows, channels, lines);
  const output = m.tp_output(input, length);
  const size = m.tp_deflate(level, input, length, output, m.tp_bound(level, length));
  if (size === 0) throw new Error('a PNG band did not fit its deflate bound');
  // A fresh ArrayBuffer of exactly the deflated bytes, so it can be transferred back.
  const data = new Uint8Array(size);
  data.set(new Uint8Array(m.memory.buffer, output, size));
  return { data: data.buffer, adler: adler32(lines), length };
}
