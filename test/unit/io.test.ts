/** The I/O stage: decoding to sRGB RGBA, EXIF orientation, format conversions and atomic writes. */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { createPipeline, OpRegistry } from '../../dist/src/index.js';
import { resolveChain } from '../../dist/src/plan/chain.js';
import { planChain, splitOnLoad } from '../../dist/src/plan/plan.js';
import { decodeImage } from '../../dist/src/io/decode.js';
import { readInput } from '../../dist/src/io/read.js';
import { BufferPool } from '../../dist/src/exec/buffer-pool.js';
import { ABANDONED_WRITER_WAIT_MS, writeAtomic } from '../../dist/src/io/atomic-write.js';
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

describe('reading inputs into kept buffers', () => {
  it('a file read into a buffer that held a larger one gives exactly its own bytes, in the same memory', async () => {
    const dir = tempDir();
    const big = path.join(dir, 'big.bin');
    const small = path.join(dir, 'small.bin');
    writeFileSync(big, Buffer.alloc(1_500_000, 0xaa));
    const smallBytes = Buffer.from(Array.from({ length: 1_200_000 }, (_, i) => (i * 7) & 255));
    writeFileSync(small, smallBytes);
    const pool = new BufferPool(2, 64 << 20);
    const first = await readInput(big, undefined, pool);
    expect(first.length).toBe(1_500_000);
    expect(first.buffer.byteLength).toBe(2 << 20); // rounded up to 1 MB steps, so similar sizes fit it later
    pool.give(first.buffer);
    const second = await readInput(small, undefined, pool);
    expect(second.buffer === first.buffer).toBe(true);
    expect(second.length).toBe(1_200_000);
    expect(Buffer.compare(second, smallBytes)).toBe(0);
    const third = await readInput(small, undefined, pool); // the pool is empty now: fresh memory
    expect(third.buffer === first.buffer).toBe(false);
    expect(Buffer.compare(third, smallBytes)).toBe(0);
  });

  it('tile buffers: a fresh one has the size of the largest request of its kind, and smaller requests reuse it', () => {
    const pool = new BufferPool(4, 64 << 20);
    const edge = pool.take(1000, 5000);
    expect(edge.length).toBe(1000);
    expect(edge.buffer.byteLength).toBe(5000);
    pool.give(edge.buffer as ArrayBuffer);
    const full = pool.take(5000, 5000);
    expect(full.buffer === edge.buffer).toBe(true);
    pool.give(full.buffer as ArrayBuffer);
    // Without the largest size, a request under half a kept buffer's size does not take it.
    expect(pool.takeKept(1000)).toBeUndefined();
    expect(pool.takeKept(1000, 5000)).toBe(edge.buffer);
  });

  it('a batch of inputs of different sizes, with buffers reused across images in flight, writes what one image at a time writes', async () => {
    const dir = tempDir();
    const photo = sharp(Buffer.from(syntheticRgba(900, 700, 11, false)), { raw: { width: 900, height: 700, channels: 4 } }).removeAlpha();
    const inputs: string[] = [];
    for (let i = 0; i < 9; i++) {
      const input = path.join(dir, `in-${i}.jpg`);
      // Crops of different sizes: each file a different length, some reusing larger buffers, some needing fresh ones.
      writeFileSync(input, await photo.clone().extract({ left: 0, top: 0, width: 300 + 60 * i, height: 700 - 40 * i }).jpeg({ quality: 90 }).toBuffer());
      inputs.push(input);
    }
    const ops = ['resize:width=200'];
    const alone = createPipeline({ workers: 1, maxInFlight: 1, cacheDir: false });
    const batch = createPipeline({ workers: 2, maxInFlight: 3, cacheDir: false });
    try {
      const expected = [];
      for (const [i, input] of inputs.entries()) expected.push((await alone.processFile(input, path.join(dir, "alone", `${i}.jpg`), { ops })).path);
      for (const chain of [ops, [...ops, 'blur:sigma=1']]) {
        const out = path.join(dir, chain.length === 1 ? 'batch' : 'batch-blur');
        const results = await batch.processFiles([...inputs, ...inputs].map((input, i) => ({ input, outputs: [{ path: path.join(out, `${i}.jpg`), format: 'jpeg' }] })), { ops: chain });
        expect(results.every((r) => r.status === 'ok')).toBe(true);
        if (chain.length === 1) for (let i = 0; i < 18; i++) expect(readFileSync(path.join(out, `${i}.jpg`)).equals(readFileSync(expected[i % 9]))).toBe(true);
        for (let i = 0; i < 9; i++) expect(readFileSync(path.join(out, `${i}.jpg`)).equals(readFileSync(path.join(out, `${i + 9}.jpg`)))).toBe(true);
      }
    } finally {
      await alone.close();
      await batch.close();
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

  it('an interrupted write removes its temp file before it rejects, once the abandoned writer ends; one past its deadline does not wait', async () => {
    const dir = tempDir();
    const target = path.join(dir, 'out.png');
    const delay = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));
    // A writer that creates its file 100 ms in (as an encode queued behind others would) and ends when `finish` does.
    const slowWriter = (finish: Promise<void>) => async (tmp: string): Promise<void> => {
      await delay(100);
      writeFileSync(tmp, 'partial');
      await finish;
    };
    const interrupt = new AbortController();
    setTimeout(() => interrupt.abort(), 50);
    await expect(writeAtomic(target, slowWriter(delay(300)), { signal: interrupt.signal })).rejects.toThrow();
    await delay(100); // had the write not waited for its writer, its temp file would be there now
    expect(readdirSync(dir)).toEqual([]);

    // A deadline: rejected at once, the writer still running; its temp file goes when it ends.
    let finish = (): void => {};
    const started = performance.now();
    await expect(writeAtomic(target, slowWriter(new Promise<void>((done) => { finish = done; })), { signal: AbortSignal.timeout(50) })).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(ABANDONED_WRITER_WAIT_MS / 2);
    await delay(150);
    expect(readdirSync(dir)).toHaveLength(1);
    finish();
    await delay(50);
    expect(readdirSync(dir)).toEqual([]);
  });
});
