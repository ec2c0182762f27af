/**
 * The point, global and geometry ops, part 1: tiling invariance and hand-computed values.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { createPipeline, parseOpString, ValidationError, type Pipeline } from '../../dist/src/index.js';
import { OpRegistry } from '../../dist/src/plan/registry.js';
import { validateParams } from '../../dist/src/model/param.js';
import { applyLut } from '../../dist/src/kernels/lut.js';
import { tilingInvariance, INVARIANCE_IMAGES } from '../invariance.js';
import { diffPixels, rawRgba, syntheticPng, syntheticRgba } from '../fixtures.js';
import { CHAINS, GEOMETRY, TILE_SIZES, pngOf, opaque } from './point-global-ops-helpers.js';

describe('tiling invariance of the added ops', () => {
  const t = tilingInvariance(CHAINS, TILE_SIZES, 11);

  it('every point and global chain changes the pixels (the comparison is not vacuous)', async () => {
    const p = t.pipeline(2, 16);
    for (const img of INVARIANCE_IMAGES) {
      const input = t.input(img.name);
      const plain = await p.processBuffer(input, { ops: [], format: 'png' });
      for (const [name, ops] of Object.entries(CHAINS)) {
        if (GEOMETRY.has(name)) continue;
        if (name === 'opacity' && !img.alpha) continue; // no visible effect without alpha, by definition
        const out = await p.processBuffer(input, { ops, format: 'png' });
        expect(await diffPixels(out, plain), `${name} on ${img.name}`).toBeGreaterThan(0);
      }
    }
  });
});

describe('hand-computed values', () => {
  let p: Pipeline;
  beforeAll(() => {
    p = createPipeline({ workers: 2, tileSize: 8 });
  });
  afterAll(() => p.close());

  async function run(pixels: number[], width: number, height: number, ops: string[]): Promise<number[]> {
    const out = await p.processBuffer(await pngOf(pixels, width, height), { ops, format: 'png' });
    const raw = await rawRgba(out);
    expect([raw.width, raw.height]).toEqual([width, height]);
    return [...raw.data];
  }
  /** Runs a chain over a row of grey pixels and returns the output greys (checking R = G = B). */
  async function greys(values: number[], ops: string[]): Promise<number[]> {
    const out = await run(opaque(...values.map((v) => [v, v, v])), values.length, 1, ops);
    const r = out.filter((_, i) => i % 4 === 0);
    expect(out.filter((_, i) => i % 4 === 1), 'G = R').toEqual(r);
    expect(out.filter((_, i) => i % 4 === 2), 'B = R').toEqual(r);
    return r;
  }

  it('levels', async () => {
    // black 50, white 200: t = (v - 50) / 150 clamped; 255 * t: 100 -> 85, 125 -> 127.5 -> 128.
    expect(await greys([0, 50, 100, 125, 200, 255], ['levels:black=50,white=200'])).toEqual([0, 0, 85, 128, 255, 255]);
    // gamma 2: 255 * sqrt(t): t = 1/3 -> 147.22 -> 147, t = 1/2 -> 180.31 -> 180.
    expect(await greys([0, 50, 100, 125, 200, 255], ['levels:black=50,white=200,gamma=2'])).toEqual([0, 0, 147, 180, 255, 255]);
    // defaults: identity.
    expect(await greys([0, 1, 77, 254, 255], ['levels'])).toEqual([0, 1, 77, 254, 255]);
  });

  it('linear (truncates toward zero, as sharp/libvips)', async () => {
    // a = 2 1 0.5, b = -10 0 20.7:
    // (100,100,100) -> (190, 100, 70.7 -> 70); (3,0,255) -> (-4 -> 0, 0, 148.2 -> 148); (200,255,1) -> (390 -> 255, 255, 21.2 -> 21).
    expect(await run(opaque([100, 100, 100], [3, 0, 255], [200, 255, 1]), 3, 1, ['linear:a=2 1 0.5,b=-10 0 20.7'])).toEqual(
      opaque([190, 100, 70], [0, 0, 148], [255, 255, 21]),
    );
    expect(await greys([0, 3, 100, 255], ['linear:a=-1,b=255'])).toEqual([255, 252, 155, 0]);
    // 1.5 * 3 = 4.5 -> 4 (not 5); 1.5 * 101 - 0.25 = 151.25 -> 151.
    expect(await greys([3, 101, 200], ['linear:a=1.5,b=-0.25'])).toEqual([4, 151, 255]);
    // Alpha is kept.
    expect(await run([10, 20, 30, 77], 1, 1, ['linear:a=2,b=1'])).toEqual([21, 41, 61, 77]);
  });

  it('threshold', async () => {
    // Luma Y = (13933 R + 46871 G + 4732 B + 32768) >> 16:
    // (255,0,0) -> 54, (0,255,0) -> 182, (0,0,255) -> 18, (128,128,128) -> 128, (127,127,127) -> 127.
    const px = opaque([255, 0, 0], [0, 255, 0], [0, 0, 255], [128, 128, 128], [127, 127, 127]);
    const grey = (...v: number[]) => opaque(...v.map((x) => [x, x, x]));
    expect(await run(px, 5, 1, ['threshold'])).toEqual(grey(0, 255, 0, 255, 0));
    expect(await run(px, 5, 1, ['threshold:value=18'])).toEqual(grey(255, 255, 255, 255, 255));
    expect(await run(px, 5, 1, ['threshold:value=19'])).toEqual(grey(255, 255, 0, 255, 255));
    expect(await run(px, 5, 1, ['threshold:value=55'])).toEqual(grey(0, 255, 0, 255, 255));
    // Per channel: v >= 128.
    expect(await run(opaque([200, 100, 128], [127, 128, 0]), 2, 1, ['threshold:grayscale=false'])).toEqual(
      opaque([255, 0, 255], [0, 255, 0]),
    );
  });

  it('posterize', async () => {
    // levels 4: q = round(v * 3 / 255), out = round(q * 85): 42 -> 0.494 -> 0, 43 -> 0.506 -> 85, 127 -> 1.494 -> 85, 128 -> 1.506 -> 170 ...
    expect(await greys([0, 42, 43, 127, 128, 212, 213, 255], ['posterize:levels=4'])).toEqual([0, 0, 85, 85, 170, 170, 255, 255]);
    // levels 3: 63 -> 0.494 -> 0, 64 -> 0.502 -> 127.5 -> 128, 191 -> 1.498 -> 128, 192 -> 1.506 -> 255.
    expect(await greys([63, 64, 191, 192], ['posterize:levels=3'])).toEqual([0, 128, 128, 255]);
    expect(await greys([0, 127, 128, 255], ['posterize:levels=2'])).toEqual([0, 0, 255, 255]);
    expect(await greys([0, 1, 128, 254], ['posterize:levels=256'])).toEqual([0, 1, 128, 254]);
  });

  it('channel-mix', async () => {
    // Swap R and B; alpha kept.
    expect(await run([10, 20, 30, 200], 1, 1, ['channel-mix:matrix=0 0 1 0 1 0 1 0 0'])).toEqual([30, 20, 10, 200]);
    // R = (10 + 20) / 2 = 15, G = 20, B = 2.5 + 5 + 15 = 22.5 -> 23 (half up).
    expect(await run(opaque([10, 20, 30]), 1, 1, ['channel-mix:matrix=0.5 0.5 0 0 1 0 0.25 0.25 0.5'])).toEqual(opaque([15, 20, 23]));
    // Clamping: R = -10 -> 0, G = 400 -> 255.
    expect(await run(opaque([10, 200, 30]), 1, 1, ['channel-mix:matrix=-1 0 0 0 2 0 0 0 1'])).toEqual(opaque([0, 255, 30]));
    // 4x4: alpha halved (200 -> 100, 255 -> 127.5 -> 128); alpha into R.
    expect(await run([10, 20, 30, 200, 1, 2, 3, 255], 2, 1, ['channel-mix:matrix=1 0 0 0 0 1 0 0 0 0 1 0 0 0 0 0.5'])).toEqual([10, 20, 30, 100, 1, 2, 3, 128]);
    expect(await run([10, 20, 30, 200], 1, 1, ['channel-mix:matrix=0 0 0 1 0 1 0 0 0 0 1 0 0 0 0 1'])).toEqual([200, 20, 30, 200]);
  });

  it('equalize (histogram of Rec. 709 luma, colour scaled by map(Y)/Y)', async () => {
    const px = opaque([10, 10, 10], [10, 10, 10], [40, 60, 20], [200, 200, 200], [100, 100, 100], [250, 40, 40], [0, 0, 0], [255, 255, 255]);
    // Lumas: 10, 10, 53 ((13933*40 + 46871*60 + 4732*20 + 32768) >> 16 = 3496988 >> 16), 200, 100,
    // 85 (5580138 >> 16), 0, 255. N = 8, cmin = h(0) = 1, span = 7.
    // cdf: 0:1, 10:3, 53:4, 85:5, 100:6, 200:7, 255:8 -> map = round((cdf - 1) * 255 / 7):
    // 0 -> 0, 10 -> 72.86 -> 73, 53 -> 109.29 -> 109, 85 -> 145.71 -> 146, 100 -> 182.14 -> 182, 200 -> 218.57 -> 219, 255 -> 255.
    // (40,60,20) * 109/53 = (82.26, 123.40, 41.13) -> (82,123,41); (250,40,40) * 146/85 = (429.4 -> 255, 68.71 -> 69, 69).
    expect(await run(px, 4, 2, ['equalize'])).toEqual(
      opaque([73, 73, 73], [73, 73, 73], [82, 123, 41], [219, 219, 219], [182, 182, 182], [255, 69, 69], [0, 0, 0], [255, 255, 255]),
    );
    // A single luma: the identity.
    expect(await run(opaque([90, 90, 90], [90, 90, 90]), 2, 1, ['equalize'])).toEqual(opaque([90, 90, 90], [90, 90, 90]));
    // Two greys: the lower to 0, the upper to 255; alpha kept.
    expect(await run([60, 60, 60, 10, 70, 70, 70, 250], 2, 1, ['equalize'])).toEqual([0, 0, 0, 10, 255, 255, 255, 250]);
  });

  it('auto-white-balance (grey world)', async () => {
    // Sums R 330, G 300, B 300, total 930: gains 930/990, 930/900, 930/900.
    // R: 93.94 -> 94, 187.88 -> 188, 28.18 -> 28; G: 51.67 -> 52, 155, 103.33 -> 103; B: 25.83 -> 26, 77.5 -> 78 (half up), 206.67 -> 207.
    expect(await run(opaque([100, 50, 25], [200, 150, 75], [30, 100, 200]), 3, 1, ['auto-white-balance'])).toEqual(
      opaque([94, 52, 26], [188, 155, 78], [28, 103, 207]),
    );
    // Sums 300, 200, 100 (total 600): gains 2/3, 1, 2; a channel with sum 0 is kept (here: none).
    expect(await run(opaque([100, 50, 25], [200, 150, 75]), 2, 1, ['auto-white-balance'])).toEqual(opaque([67, 50, 50], [133, 150, 150]));
    // Blue sum 0: blue kept, R and G balanced between themselves and B's mean 0: gain = (S_R + S_G) / (3 S_c).
    // S_R = 60, S_G = 120, total 180: R gain 1, G gain 0.5 -> (60, 60, 0).
    expect(await run(opaque([60, 120, 0]), 1, 1, ['auto-white-balance'])).toEqual(opaque([60, 60, 0]));
  });

  it('the other point ops on known pixels', async () => {
    expect(await greys([0, 101, 200], ['brightness:factor=0.5'])).toEqual([0, 51, 100]); // 50.5 -> 51
    expect(await greys([100, 128, 200, 10], ['contrast:factor=2'])).toEqual([72, 128, 255, 0]);
    expect(await greys([100, 128, 200], ['contrast:factor=0'])).toEqual([128, 128, 128]);
    // Hue rotation about the grey axis: +120 maps red to green, green to blue; greys kept.
    expect(await run(opaque([255, 0, 0], [0, 255, 0], [90, 90, 90]), 3, 1, ['hue:degrees=120'])).toEqual(
      opaque([0, 255, 0], [0, 0, 255], [90, 90, 90]),
    );
    // Sepia of white: (344.5, 306.8, 238.9) -> (255, 255, 239).
    expect(await run(opaque([255, 255, 255]), 1, 1, ['sepia'])).toEqual(opaque([255, 255, 239]));
    // Tint: Y * t / 255; (0,255,0): Y = 182.39 -> R 182.39 -> 182, G 91.2 -> 91, B 0.
    expect(await run(opaque([0, 255, 0], [255, 255, 255]), 2, 1, ['tint:r=255,g=127.5,b=0'])).toEqual(opaque([182, 91, 0], [255, 128, 0]));
    // Opacity: 255 * 0.5 = 127.5 -> 128, 101 * 0.5 = 50.5 -> 51; colour kept.
    expect(await run([1, 2, 3, 255, 4, 5, 6, 101], 2, 1, ['opacity:factor=0.5'])).toEqual([1, 2, 3, 128, 4, 5, 6, 51]);
  });

  it('saturation 0 and tint white equal grayscale exactly', async () => {
    const input = await syntheticPng(40, 30, 5, true);
    const grey = await p.processBuffer(input, { ops: ['grayscale'], format: 'png' });
    expect(await diffPixels(await p.processBuffer(input, { ops: ['saturation:factor=0'], format: 'png' }), grey)).toBe(0);
    expect(await diffPixels(await p.processBuffer(input, { ops: ['tint:r=255,g=255,b=255'], format: 'png' }), grey)).toBe(0);
    const same = await p.processBuffer(input, { ops: [], format: 'png' });
    for (const ops of [['saturation'], ['hue'], ['hue:degrees=360'], ['sepia:amount=0'], ['channel-mix'], ['brightness'], ['contrast'], ['linear'], ['opacity']]) {
      expect(await diffPixels(await p.processBuffer(input, { ops, format: 'png' }), same), ops[0]).toBe(0);
    }
  });
});
