/**
 * Hand-computed references: `sobel` and `pixelate` on tiny images, exact bytes.
 * (Tiling invariance of both is covered by tiling.test.ts and neighbourhood-ops.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { createPipeline, type Pipeline } from '../../dist/src/index.js';
import { rawRgba } from '../fixtures.js';

/** A lossless PNG of planar channel lists (each `width × height`, row-major). */
function pngOf(width: number, height: number, channels: number[][]): Promise<Buffer> {
  const n = width * height;
  const c = channels.length as 3 | 4;
  const data = new Uint8Array(n * c);
  for (let i = 0; i < n; i++) for (let k = 0; k < c; k++) data[i * c + k] = channels[k][i];
  return sharp(data, { raw: { width, height, channels: c } }).png().toBuffer();
}

/** Channel `k` of decoded output, as a list. */
function channel(data: Uint8Array, k: number): number[] {
  return Array.from({ length: data.length / 4 }, (_, i) => data[i * 4 + k]);
}

describe('hand-computed references', () => {
  let p: Pipeline;
  beforeAll(() => {
    p = createPipeline({ workers: 1 });
  });
  afterAll(async () => {
    await p.close();
  });
  /** Runs `ops` and returns the decoded RGBA. */
  async function run(input: Buffer, ops: string[]): Promise<Uint8Array> {
    return (await rawRgba(await p.processBuffer(input, { ops, format: 'png' }))).data;
  }

  it('sobel: round(sqrt(Gx² + Gy²) / 4), clamped to 255, edges extended, on a 4×3 image', async () => {
    // R: a vertical 0→100 edge. G: one 80 at (1,1). B: one 255 at the corner (0,0).
    const R = [0, 0, 100, 100, 0, 0, 100, 100, 0, 0, 100, 100];
    const G = [0, 0, 0, 0, 0, 80, 0, 0, 0, 0, 0, 0];
    const B = [255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const out = await run(await pngOf(4, 3, [R, G, B]), ['sobel']);
    // R at (1,y), (2,y): Gx = 100 + 2·100 + 100 = 400, Gy = 0 → 100; at the borders the
    // clamped neighbours equal the pixel's column → 0.
    expect(channel(out, 0)).toEqual([0, 100, 100, 0, 0, 100, 100, 0, 0, 100, 100, 0]);
    // G: (0,0) Gx = 80 (from (1,1)), Gy = 80 → √12800 / 4 = 28.28 → 28; (1,0) Gx = 0,
    // Gy = 2·80 → 40; (1,1) both 0; (2,2) Gx = Gy = −80 → 28; column 3 never sees (1,1).
    expect(channel(out, 1)).toEqual([28, 40, 28, 0, 40, 0, 40, 0, 28, 40, 28, 0]);
    // B: (0,0) clamped neighbours repeat the 255: Gx = Gy = −765 → 270.4 → 255 (clamped);
    // (1,0) Gx = −765, Gy = −255 → 806.4 / 4 = 201.6 → 202; (1,1) Gx = Gy = −255 → 90.2 → 90.
    expect(channel(out, 2)).toEqual([255, 202, 0, 0, 202, 90, 0, 0, 0, 0, 0, 0]);
    expect(channel(out, 3)).toEqual(Array(12).fill(255));
  });

  it('sobel keeps alpha (RGBA input)', async () => {
    const zero = Array(12).fill(0);
    const A = [255, 0, 10, 200, 128, 64, 1, 2, 3, 250, 251, 252];
    const out = await run(await pngOf(4, 3, [zero, zero, zero, A]), ['sobel']);
    expect(channel(out, 3)).toEqual(A);
    expect(channel(out, 0)).toEqual(zero);
  });

  // 5×5, R = 10·(x + 5y): 0 10 20 30 40 / 50 … 90 / 100 … 140 / 150 … 190 / 200 … 240.
  const R5 = Array.from({ length: 25 }, (_, i) => 10 * i);
  // G: halves that round up: block (0,0) holds 1,1,0,0 → 0.5 → 1; block (2,0) holds 1,0 → 1;
  // block (1,1) holds 1,0,0,0 → 0.25 → 0; the single-pixel block (2,2) keeps 3.
  const G5 = [1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3];
  const B5 = Array(25).fill(9);

  it('pixelate:size=2 on a 5×5 image: block means on the global grid, clipped edge blocks', async () => {
    const out = await run(await pngOf(5, 5, [R5, G5, B5]), ['pixelate:size=2']);
    // (0..1,0..1): (0+10+50+60)/4 = 30; (2..3,0..1): 200/4 = 50; (4,0..1): (40+90)/2 = 65;
    // (0..1,2..3): 520/4 = 130; (2..3,2..3): 150; (4,2..3): (140+190)/2 = 165;
    // (0..1,4): (200+210)/2 = 205; (2..3,4): 225; (4,4): 240.
    expect(channel(out, 0)).toEqual([
      30, 30, 50, 50, 65,
      30, 30, 50, 50, 65,
      130, 130, 150, 150, 165,
      130, 130, 150, 150, 165,
      205, 205, 225, 225, 240,
    ]);
    expect(channel(out, 1)).toEqual([
      1, 1, 0, 0, 1,
      1, 1, 0, 0, 1,
      0, 0, 0, 0, 0,
      0, 0, 0, 0, 0,
      0, 0, 0, 0, 3,
    ]);
    expect(channel(out, 2)).toEqual(B5);
  });

  it('pixelate:size=3 on a 5×5 image', async () => {
    const out = await run(await pngOf(5, 5, [R5, G5, B5]), ['pixelate:size=3']);
    // (0..2,0..2): 540/9 = 60; (3..4,0..2): 510/6 = 85; (0..2,3..4): 1110/6 = 185; (3..4,3..4): 840/4 = 210.
    expect(channel(out, 0)).toEqual([
      60, 60, 60, 85, 85,
      60, 60, 60, 85, 85,
      60, 60, 60, 85, 85,
      185, 185, 185, 210, 210,
      185, 185, 185, 210, 210,
    ]);
    // G: 3/9 → 0; 1/6 → 0; 0/6 → 0; 3/4 → 1.
    expect(channel(out, 1)).toEqual([
      0, 0, 0, 0, 0,
      0, 0, 0, 0, 0,
      0, 0, 0, 0, 0,
      0, 0, 0, 1, 1,
      0, 0, 0, 1, 1,
    ]);
  });
});
