/** The I/O stage: decoding to sRGB RGBA, EXIF orientation, format conversions and atomic writes. */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { createPipeline, OpRegistry } from '../../dist/src/index.js';
import { resolveChain } from '../../dist/src/plan/chain.js';
import { planChain, splitOnLoad } from '../../dist/src/plan/plan.js';
import { decodeImage } from '../../dist/src/io/decode.js';
import { rawRgba, syntheticPng, syntheticRgba, tempDir } from '../fixtures.js';

/** A JPEG stored 120 wide × 80 tall, left half red, right half blue, tagged EXIF orientation 6 (display: rotate 90° clockwise). */
async function orientation6Jpeg(): Promise<Buffer> {
  const w = 120, h = 80;
  const d = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    const left = i % w < w / 2;
    d.set(left ? [230, 20, 20] : [20, 20, 230], i * 3);
  }
  return sharp(d, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
}

describe('decoding', () => {
  it('applies EXIF orientation 6: dimensions swap, pixels upright', async () => {
    const input = await orientation6Jpeg();
    expect((await sharp(input).metadata()).orientation).toBe(6);
    const { raster } = await decodeImage(input);
    expect([raster.width, raster.height]).toEqual([80, 120]);
    // Rotating 90° clockwise puts the stored left half (red) on top.
    expect(raster.channels).toBe(3);
    const px = (x: number, y: number) => Array.from(raster.data.subarray((y * 80 + x) * 3, (y * 80 + x) * 3 + 3));
    expect(px(40, 20)[0]).toBeGreaterThan(200);
    expect(px(40, 20)[2]).toBeLessThan(60);
    expect(px(40, 100)[2]).toBeGreaterThan(200);
    expect(px(40, 100)[0]).toBeLessThan(60);
  });

  it('an orientation-6 JPEG comes out of the pipeline with swapped dimensions', async () => {
    const p = createPipeline({ workers: 1 });
    try {
      const out = await p.processBuffer(await orientation6Jpeg(), { ops: ['blur'], format: 'png' });
      const m = await sharp(out).metadata();
      expect([m.width, m.height, m.orientation]).toEqual([80, 120, undefined]);
    } finally {
      await p.close();
    }
  });

  it('a leading resize runs while decoding: bytes equal to sharp(file).resize() with shrink on load, after EXIF orientation', async () => {
    // 1200 × 800 JPEG tagged orientation 6; resizing to 100 wide lets libvips decode at 1/8 scale.
    const w = 1200, h = 800;
    const big = await sharp(syntheticRgba(w, h, 5, false), { raw: { width: w, height: h, channels: 4 } })
      .removeAlpha().jpeg({ quality: 90 }).withMetadata({ orientation: 6 }).toBuffer();
    const registry = new OpRegistry();
    const { onLoad, stages } = splitOnLoad(planChain(resolveChain(['resize:width=100'], registry)));
    expect(stages).toEqual([]);
    const { raster } = await decodeImage(big, { onLoad });
    expect([raster.width, raster.height]).toEqual([100, 150]);
    const ref = await sharp(big).autoOrient().resize({ width: 100 }).toColourspace('srgb').raw().toBuffer();
    expect(Buffer.from(raster.data).equals(ref)).toBe(true);
    // Decoding in full first and resizing after gives other bytes: the fusion is real.
    const full = await sharp(big).autoOrient().toColourspace('srgb').raw().toBuffer();
    const twoStep = await sharp(full, { raw: { width: h, height: w, channels: 3 } }).resize({ width: 100 }).raw().toBuffer();
    expect(Buffer.from(raster.data).equals(twoStep)).toBe(false);
  });

  const base = () => sharp(syntheticRgba(40, 30, 3, false), { raw: { width: 40, height: 30, channels: 4 } }).removeAlpha();
  const cases: Array<[string, () => Promise<Buffer>, boolean]> = [
    ['CMYK JPEG', () => base().toColourspace('cmyk').jpeg().toBuffer(), false],
    ['16-bit PNG', () => base().toColourspace('rgb16').png().toBuffer(), false],
    ['grey PNG', () => base().toColourspace('b-w').png().toBuffer(), false],
    ['palette PNG', () => base().png({ palette: true, colours: 16 }).toBuffer(), false],
    ['ICC-tagged (Display P3) PNG', () => base().withIccProfile('p3').png().toBuffer(), false],
    ['RGBA PNG', () => syntheticPng(40, 30, 3, true), true],
  ];
  for (const [name, make, alpha] of cases) {
    it(`${name} decodes to 8-bit sRGB, ${alpha ? 'RGBA' : 'RGB'} (alpha = ${alpha})`, async () => {
      const input = await make();
      const { raster } = await decodeImage(input);
      expect(raster.channels).toBe(alpha ? 4 : 3);
      expect(raster.data.length).toBe(40 * 30 * raster.channels);
      expect(raster.hasAlpha).toBe(alpha);
      // Close to sharp's own sRGB rendering of the same file.
      const srgb = sharp(input).toColourspace('srgb');
      const ref = await (alpha ? srgb.ensureAlpha() : srgb.removeAlpha()).raw({ depth: 'uchar' }).toBuffer();
      expect(ref.length).toBe(raster.data.length);
      let maxDiff = 0;
      for (let i = 0; i < ref.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ref[i] - raster.data[i]));
      expect(maxDiff).toBeLessThanOrEqual(1);
    });
  }

  it('keeps 3 or 4 channels on output as the source had', async () => {
    const p = createPipeline({ workers: 1 });
    try {
      for (const alpha of [false, true]) {
        const out = await p.processBuffer(await syntheticPng(30, 20, 1, alpha), { ops: ['invert'], format: 'png' });
        expect((await sharp(out).metadata()).channels).toBe(alpha ? 4 : 3);
      }
    } finally {
      await p.close();
    }
  });

  it('encodes every output format', async () => {
    const p = createPipeline({ workers: 1 });
    try {
      const input = await syntheticPng(30, 20, 1, false);
      for (const format of ['jpeg', 'png', 'webp', 'avif', 'tiff', 'gif'] as const) {
        const out = await p.processBuffer(input, { ops: ['grayscale'], format, quality: 80 });
        const m = await sharp(out).metadata();
        expect(m.format === 'heif' ? 'avif' : m.format).toBe(format);
        expect([m.width, m.height]).toEqual([30, 20]);
      }
    } finally {
      await p.close();
    }
  });
});

describe('atomic writes', () => {
  const p = createPipeline({ workers: 1 });
  afterAll(() => p.close());

  it('leaves only the output after success', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'in.png'), await syntheticPng(50, 40, 2, false));
    const out = path.join(dir, 'out', 'in.webp');
    const written = await p.processFile(path.join(dir, 'in.png'), out, { ops: ['sharpen'] });
    expect(written).toMatchObject({ path: out, format: 'webp', width: 50, height: 40 });
    expect(readdirSync(path.join(dir, 'out'))).toEqual(['in.webp']);
    expect((await rawRgba(out)).width).toBe(50);
  });

  it('leaves no temp file when the encoder throws', async () => {
    const dir = tempDir();
    // WebP cannot hold a 20000-pixel-wide image: the encode fails.
    writeFileSync(path.join(dir, 'wide.png'), await sharp({ create: { width: 20000, height: 2, channels: 3, background: '#888' } }).png().toBuffer());
    mkdirSync(path.join(dir, 'out'));
    await expect(p.processFile(path.join(dir, 'wide.png'), path.join(dir, 'out', 'wide.webp'))).rejects.toThrow(/too large|webp/i);
    expect(readdirSync(path.join(dir, 'out'))).toEqual([]);
  });

  it('leaves no temp file, and the target untouched, when the final rename fails', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'in.png'), await syntheticPng(20, 20, 2, false));
    const target = path.join(dir, 'out', 'in.png');
    mkdirSync(path.join(target, 'occupied'), { recursive: true }); // a non-empty folder where the file should go
    await expect(p.processFile(path.join(dir, 'in.png'), target)).rejects.toThrow();
    expect(readdirSync(path.join(dir, 'out'))).toEqual(['in.png']);
    expect(readdirSync(target)).toEqual(['occupied']);
  });
});
