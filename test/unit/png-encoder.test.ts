/**
 * The banded parallel PNG encoder: a valid PNG (every CRC, the zlib stream
 * and its Adler-32 checked), whose decoded pixels equal the raster, with
 * RGB or RGBA; and the pipeline uses it on its workers for big PNGs.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { createPipeline } from '../../dist/src/index.js';
import { adler32Combine, writePngParallel } from '../../dist/src/io/png/encoder.js';
import { adler32, deflateBand } from '../../dist/src/io/png/deflate.js';
import { narrowToRgb } from '../../dist/src/model/raster.js';
import { rng, syntheticRgba, tempDir } from '../fixtures.js';

const dir = tempDir();
afterAll(() => {
  // Leave nothing behind.
  return import('node:fs/promises').then((fs) => fs.rm(dir, { recursive: true, force: true }));
});

/** The file's chunks, each CRC checked. */
function chunks(png: Buffer): Array<{ type: string; data: Buffer }> {
  expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  const out: Array<{ type: string; data: Buffer }> = [];
  for (let at = 8; at < png.length; ) {
    const len = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + len);
    expect(png.readUInt32BE(at + 8 + len), `CRC of ${type}`).toBe(zlib.crc32(png.subarray(at + 4, at + 8 + len)));
    out.push({ type, data });
    at += 12 + len;
  }
  return out;
}

const inProcess = async (task: Parameters<typeof deflateBand>[0]) => deflateBand(task);

describe('parallel PNG encoder', () => {
  it('Adler-32 of a concatenation combines from its parts', () => {
    const rand = rng(3);
    const a = Uint8Array.from({ length: 70_001 }, () => (rand() * 256) | 0);
    const b = Uint8Array.from({ length: 123_457 }, () => (rand() * 256) | 0);
    const whole = new Uint8Array(a.length + b.length);
    whole.set(a);
    whole.set(b, a.length);
    expect(adler32Combine(adler32(a), adler32(b), b.length)).toBe(adler32(whole));
    expect(adler32(new Uint8Array(0))).toBe(1);
  });

  for (const [channels, alpha] of [[3, false], [4, false], [4, true]] as const) {
    it(`writes a valid ${alpha ? 'RGBA' : 'RGB'} PNG in many bands from ${channels}-byte pixels, equal to the raster`, async () => {
      const width = 203, height = 157;
      const rgba = syntheticRgba(width, height, 11, alpha);
      const data = channels === 4 ? rgba : narrowToRgb(rgba);
      const file = path.join(dir, `banded-${channels}-${alpha}.png`);
      // ~2 KB bands (40 RGB, 53 RGBA), each its own deflate stream ending in a sync flush.
      const size = await writePngParallel({ data, width, height, channels, hasAlpha: alpha }, file, { run: inProcess, bandBytes: 2000, window: 3 });
      const png = readFileSync(file);
      expect(size).toBe(png.length);
      const list = chunks(png);
      expect(list[0].type).toBe('IHDR');
      expect(list[0].data.readUInt32BE(0)).toBe(width);
      expect(list[0].data[9]).toBe(alpha ? 6 : 2);
      expect(list.at(-1)!.type).toBe('IEND');
      const idat = list.filter((c) => c.type === 'IDAT');
      expect(idat.length).toBeGreaterThanOrEqual(40);
      // One zlib stream across the IDATs; inflateSync checks its Adler-32.
      const raw = zlib.inflateSync(Buffer.concat(idat.map((c) => c.data)));
      const ch = alpha ? 4 : 3;
      expect(raw.length).toBe(height * (width * ch + 1));
      // And a real decoder agrees, pixel for pixel.
      const decoded = await sharp(png, { failOn: 'warning' }).raw().toBuffer({ resolveWithObject: true });
      expect(decoded.info.channels).toBe(ch);
      const expected = alpha ? Buffer.from(rgba) : await sharp(rgba, { raw: { width, height, channels: 4 } }).removeAlpha().raw().toBuffer();
      expect(decoded.data.equals(expected)).toBe(true);
    });
  }

  it('a band is deflated by the patched libdeflate: no final block, a byte-aligned empty stored block at the end, and any size works, down to the stored-only path', () => {
    const rand = rng(9);
    for (const [width, rows] of [[301, 40], [3, 1], [1, 2], [64, 64]] as const) {
      const pixels = Uint8Array.from({ length: width * rows * 3 }, (_, i) => (i % 7 === 0 ? (rand() * 256) | 0 : (i * 5) % 256));
      const band = deflateBand({ pixels: pixels.slice().buffer, pixelBytes: 3, width, rows, channels: 3, level: 6 });
      const data = Buffer.from(band.data);
      expect([...data.subarray(-4)], `${width}×${rows}`).toEqual([0, 0, 0xff, 0xff]);
      // Not final: on its own the stream does not end, so inflating it fails…
      expect(() => zlib.inflateRawSync(data)).toThrow(/unexpected end/);
      // …and with an empty final block after it, it inflates to the scanlines.
      const lines = zlib.inflateRawSync(Buffer.concat([data, Buffer.from([3, 0])]));
      expect(lines.length).toBe(band.length);
      expect(band.length).toBe(rows * (width * 3 + 1));
      expect(band.adler).toBe(adler32(lines));
      for (let y = 0; y < rows; y++) {
        expect(lines[y * (width * 3 + 1)]).toBe(0); // filter type 0
        expect(lines.subarray(y * (width * 3 + 1) + 1, (y + 1) * (width * 3 + 1)).equals(Buffer.from(pixels.subarray(y * width * 3, (y + 1) * width * 3)))).toBe(true);
      }
    }
  });

  it('the pipeline deflates big PNGs on its workers: same pixels as sharp\'s encoder, other bytes, smaller than 1.01× sharp\'s', async () => {
    const input = path.join(dir, 'in.png');
    await sharp(syntheticRgba(640, 480, 5, false), { raw: { width: 640, height: 480, channels: 4 } }).removeAlpha().png().toFile(input);
    const banded = createPipeline({ workers: 2, parallelPngMinPixels: 1, cacheDir: false });
    const serial = createPipeline({ workers: 2, parallelPngMinPixels: false, cacheDir: false });
    try {
      const a = await banded.processFile(input, path.join(dir, 'banded.png'), { ops: ['blur:sigma=2'] });
      const b = await serial.processFile(input, path.join(dir, 'serial.png'), { ops: ['blur:sigma=2'] });
      const fa = readFileSync(a.path), fb = readFileSync(b.path);
      expect(fa.equals(fb)).toBe(false);
      expect(a.bytes).toBe(fa.length);
      expect(fa.length).toBeLessThan(fb.length * 1.01);
      const [pa, pb] = await Promise.all([sharp(fa).raw().toBuffer(), sharp(fb).raw().toBuffer()]);
      expect(pa.equals(pb)).toBe(true);
    } finally {
      await Promise.all([banded.close(), serial.close()]);
    }
  });
});
