/**
 * The point, global and geometry ops added to the built-ins: tiling invariance
 * (every tile size and worker count gives the same bytes), exact hand-computed
 * values on tiny images, geometry sizes and known pixels, and validation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { createPipeline, parseOpString, ValidationError, type Pipeline } from '../../dist/src/index.js';
import { OpRegistry } from '../../dist/src/plan/registry.js';
import { validateParams } from '../../dist/src/model/param.js';
import { applyLut } from '../../dist/src/kernels/lut.js';
import { tilingInvariance, INVARIANCE_IMAGES } from '../invariance.js';
import { diffPixels, rawRgba, syntheticPng, syntheticRgba } from '../fixtures.js';

const CHAINS: Record<string, string[]> = {
  brightness: ['brightness:factor=1.3'],
  'brightness dark': ['brightness:factor=0.45'],
  contrast: ['contrast:factor=1.7'],
  saturation: ['saturation:factor=1.8'],
  'saturation grey': ['saturation:factor=0'],
  hue: ['hue:degrees=75'],
  'hue negative': ['hue:degrees=-200'],
  levels: ['levels:black=20,white=230,gamma=1.4'],
  linear: ['linear:a=1.2 0.8 -0.5,b=10 -5 200'],
  'linear scalar': ['linear:a=1.5,b=-20'],
  threshold: ['threshold'],
  'threshold per channel': ['threshold:value=100,grayscale=false'],
  sepia: ['sepia:amount=0.8'],
  tint: ['tint:r=255,g=200,b=120'],
  'channel-mix 3x3': ['channel-mix:matrix=0.6 0.3 0.1 -0.2 1.2 0 0.1 0.1 0.9'],
  'channel-mix 4x4': ['channel-mix:matrix=1 0 0 0 0 0.9 0 0.1 0 0 1 0 0 0 0 0.7'],
  posterize: ['posterize:levels=5'],
  opacity: ['opacity:factor=0.6'],
  equalize: ['equalize'],
  'auto-white-balance': ['auto-white-balance'],
  crop: ['crop:left=7,top=5,width=50,height=40'],
  rotate: ['rotate:angle=30,background=255 0 0 128'],
  'rotate 90': ['rotate:angle=90'],
  flip: ['flip'],
  flop: ['flop'],
  extend: ['extend:top=3,right=10,bottom=5,left=1,background=0 255 0'],
  'extend mirror': ['extend:top=4,left=9,mode=mirror'],
  'fused luts': ['brightness:factor=1.2', 'contrast:factor=1.3', 'levels:black=10,white=240', 'linear:a=0.9,b=12', 'posterize:levels=9'],
  'global after halo': ['blur:sigma=1.5', 'equalize', 'saturation:factor=1.5', 'auto-white-balance', 'sharpen'],
  'mixed with geometry': ['hue:degrees=40', 'rotate:angle=-17', 'equalize', 'flop', 'threshold:value=90', 'extend:left=6,mode=copy', 'opacity:factor=0.5'],
};
const GEOMETRY = new Set(['crop', 'rotate', 'rotate 90', 'flip', 'flop', 'extend', 'extend mirror', 'mixed with geometry']);
const TILE_SIZES = [16, 37, 64];

/** A PNG with exactly these RGBA pixels (alpha kept, so every byte round-trips). */
function pngOf(pixels: number[], width: number, height: number): Promise<Buffer> {
  return sharp(Uint8Array.from(pixels), { raw: { width, height, channels: 4 } }).png().toBuffer();
}

/** Opaque RGBA pixels from RGB triples. */
function opaque(...rgb: number[][]): number[] {
  return rgb.flatMap(([r, g, b]) => [r, g, b, 255]);
}

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

describe('geometry ops', () => {
  let p: Pipeline;
  const W = 5;
  const H = 3;
  // Pixel (x, y) = (10x + y, 100 + y, 200 - x, 255): every pixel distinct.
  const pixels: number[] = [];
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) pixels.push(10 * x + y, 100 + y, 200 - x, 255);
  const at = (x: number, y: number) => pixels.slice((y * W + x) * 4, (y * W + x) * 4 + 4);
  let input: Buffer;
  beforeAll(async () => {
    p = createPipeline({ workers: 2, tileSize: 8 });
    input = await pngOf(pixels, W, H);
  });
  afterAll(() => p.close());

  async function run(ops: string[], src = input) {
    const raw = await rawRgba(await p.processBuffer(src, { ops, format: 'png' }));
    return { width: raw.width, height: raw.height, px: (x: number, y: number) => [...raw.data.subarray((y * raw.width + x) * 4, (y * raw.width + x) * 4 + 4)] };
  }

  it('flip: top-left goes to bottom-left', async () => {
    const out = await run(['flip']);
    expect([out.width, out.height]).toEqual([W, H]);
    expect(out.px(0, H - 1)).toEqual(at(0, 0));
    expect(out.px(3, 0)).toEqual(at(3, H - 1));
  });

  it('flop: top-left goes to top-right', async () => {
    const out = await run(['flop']);
    expect([out.width, out.height]).toEqual([W, H]);
    expect(out.px(W - 1, 0)).toEqual(at(0, 0));
    expect(out.px(1, 2)).toEqual(at(W - 2, 2));
  });

  it('rotate: multiples of 90 are exact and clockwise; other angles enlarge with the background', async () => {
    let out = await run(['rotate:angle=90']);
    expect([out.width, out.height]).toEqual([H, W]);
    expect(out.px(H - 1, 0)).toEqual(at(0, 0));
    expect(out.px(0, W - 1)).toEqual(at(W - 1, H - 1));
    out = await run(['rotate:angle=-90']);
    expect([out.width, out.height]).toEqual([H, W]);
    expect(out.px(0, W - 1)).toEqual(at(0, 0));
    out = await run(['rotate:angle=180']);
    expect(out.px(W - 1, H - 1)).toEqual(at(0, 0));
    out = await run(['rotate:angle=360']);
    expect(out.px(0, 0)).toEqual(at(0, 0));
    const big = await syntheticPng(40, 20, 3, true);
    out = await run(['rotate:angle=45,background=255 0 0 255'], big);
    expect(out.width).toBeGreaterThanOrEqual(42);
    expect(out.height).toBeGreaterThanOrEqual(42);
    expect(out.px(0, 0)).toEqual([255, 0, 0, 255]);
    out = await run(['rotate:angle=45,background=10 20 30 0'], big);
    expect(out.px(0, 0)[3]).toBe(0);
    // Semi-transparent: alpha exact, colour within ceil(255 / (2 alpha)) levels (libvips premultiplies in 8 bits).
    for (const [bg, a] of [[[10, 20, 200], 40], [[10, 128, 255], 128], [[0, 77, 254], 200]] as const) {
      out = await run([`rotate:angle=-45,background=${bg.join(' ')} ${a}`], big);
      const px = out.px(0, 0);
      expect(px[3]).toBe(a);
      for (let c = 0; c < 3; c++) expect(Math.abs(px[c] - bg[c]), `alpha ${a} channel ${c}`).toBeLessThanOrEqual(Math.ceil(255 / (2 * a)));
    }
    // extend has no such limit.
    out = await run(['extend:left=1,background=10 20 30 40'], big);
    expect(out.px(0, 0)).toEqual([10, 20, 30, 40]);
    // Default background on an image without alpha: transparent black, written as black.
    out = await run(['rotate:angle=45'], await syntheticPng(40, 20, 3, false));
    expect(out.px(0, 0)).toEqual([0, 0, 0, 255]);
  });

  it('crop: size and origin; a region outside the image fails it with a clear message', async () => {
    const out = await run(['crop:left=1,top=1,width=3,height=2']);
    expect([out.width, out.height]).toEqual([3, 2]);
    expect(out.px(0, 0)).toEqual(at(1, 1));
    expect(out.px(2, 1)).toEqual(at(3, 2));
    expect((await run(['crop:width=5,height=3'])).px(4, 2)).toEqual(at(4, 2));
    await expect(p.processBuffer(input, { ops: ['crop:left=3,width=3,height=1'] })).rejects.toThrow(
      /crop: region 3x1 at left=3,top=0 \(to x=6, y=1\) lies outside the 5x3 image/,
    );
    await expect(p.processBuffer(input, { ops: ['crop:top=1,width=1,height=3'] })).rejects.toThrow(/lies outside the 5x3 image/);
  });

  it('extend: background and the extendWith modes', async () => {
    let out = await run(['extend:top=2,left=1,background=255 0 0']);
    expect([out.width, out.height]).toEqual([W + 1, H + 2]);
    expect(out.px(0, 0)).toEqual([255, 0, 0, 255]);
    expect(out.px(1, 2)).toEqual(at(0, 0));
    out = await run(['extend:right=2,bottom=1']);
    expect([out.width, out.height]).toEqual([W + 2, H + 1]);
    expect(out.px(W, H)).toEqual([0, 0, 0, 0]);
    out = await run(['extend:left=2,mode=copy']);
    expect(out.px(0, 1)).toEqual(at(0, 1));
    out = await run(['extend:left=2,mode=repeat']);
    expect(out.px(0, 1)).toEqual(at(W - 2, 1));
    out = await run(['extend:left=2,mode=mirror']);
    expect(out.px(1, 1)).toEqual(at(0, 1));
    expect(out.px(0, 1)).toEqual(at(1, 1));
  });
});

describe('validation', () => {
  let p: Pipeline;
  beforeAll(() => {
    p = createPipeline({ workers: 1 });
  });
  afterAll(() => p.close());

  const CASES: [string, RegExp][] = [
    ['levels:black=200,white=100', /levels: parameter "black" \(200\) must be less than "white" \(100\); black is in \[0, 254\], white in \[1, 255\]/],
    ['levels:black=100,white=100', /"black" \(100\) must be less than "white" \(100\)/],
    ['levels:black=255', /levels: parameter "black" must be an integer in \[0, 254\], got "255"/],
    ['levels:white=0', /levels: parameter "white" must be an integer in \[1, 255\]/],
    ['levels:gamma=0.05', /levels: parameter "gamma" must be a number in \[0.1, 10\]/],
    ['brightness:factor=11', /brightness: parameter "factor" must be a number in \[0, 10\], got "11"/],
    ['contrast:factor=-1', /contrast: parameter "factor" must be a number in \[0, 10\]/],
    ['saturation:factor=10.5', /saturation: parameter "factor" must be a number in \[0, 10\]/],
    ['hue:degrees=400', /hue: parameter "degrees" must be a number in \[-360, 360\]/],
    ['linear:a=1 2', /linear: parameter "a" must be a list of 1 or 3 numbers in \[-100, 100\], got "1 2"/],
    ['linear:b=2000', /linear: parameter "b" must be a list of 1 or 3 numbers in \[-1000, 1000\]/],
    ['threshold:value=256', /threshold: parameter "value" must be an integer in \[0, 255\]/],
    ['threshold:value=12.5', /threshold: parameter "value" must be an integer in \[0, 255\]/],
    ['threshold:grayscale=maybe', /threshold: parameter "grayscale" must be true or false/],
    ['sepia:amount=2', /sepia: parameter "amount" must be a number in \[0, 1\]/],
    ['tint:r=255,g=0', /tint: parameter "b" is required \(a number in \[0, 255\]\)/],
    ['tint:r=256,g=0,b=0', /tint: parameter "r" must be a number in \[0, 255\]/],
    ['channel-mix:matrix=1 0 0 1', /channel-mix: parameter "matrix" must be a list of 9 or 16 numbers in \[-10, 10\]/],
    ['channel-mix:matrix=11 0 0 0 1 0 0 0 1', /channel-mix: parameter "matrix" must be a list of 9 or 16 numbers in \[-10, 10\]/],
    ['posterize:levels=1', /posterize: parameter "levels" must be an integer in \[2, 256\]/],
    ['opacity:factor=1.5', /opacity: parameter "factor" must be a number in \[0, 1\]/],
    ['equalize:strength=2', /equalize: unknown parameter "strength"; it takes no parameters/],
    ['auto-white-balance:x=1', /auto-white-balance: unknown parameter "x"/],
    ['crop:width=10', /crop: parameter "height" is required \(an integer in \[1, 100000\]\)/],
    ['crop:width=0,height=5', /crop: parameter "width" must be an integer in \[1, 100000\]/],
    ['crop:left=-1,width=1,height=1', /crop: parameter "left" must be an integer in \[0, 100000\]/],
    ['rotate', /rotate: parameter "angle" is required \(a number in \[-360, 360\]\)/],
    ['rotate:angle=370', /rotate: parameter "angle" must be a number in \[-360, 360\]/],
    ['rotate:angle=30,background=0 0', /rotate: parameter "background" must be a list of 3 or 4 numbers in \[0, 255\]/],
    ['flip:x=1', /flip: unknown parameter "x"/],
    ['extend', /extend: give at least one of "top", "right", "bottom", "left"/],
    ['extend:top=5,mode=wrap', /extend: parameter "mode" must be one of background, copy, repeat, mirror/],
    ['extend:top=1.5', /extend: parameter "top" must be an integer in \[0, 100000\]/],
  ];
  for (const [spec, message] of CASES) {
    it(spec, async () => {
      const err = await p.plan([spec]).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as Error).message).toMatch(message);
    });
  }
});

describe('kernels: definitions and code paths', () => {
  const registry = new OpRegistry();
  const W = 37, H = 23;
  /** Runs one op's per-pixel code on `data` in place, as a whole-image tile (global ops: partial, finish, kernel). */
  function apply(spec: string, data: Uint8Array): void {
    const { op, params: raw } = parseOpString(spec);
    const def = registry.get(op);
    const params = validateParams(def.name, def.params, raw) as never;
    const view = { data, x: 0, y: 0, width: W, height: H, imageWidth: W, imageHeight: H };
    if (def.kind === 'point') {
      if (def.lut) applyLut(data, def.lut(params));
      else def.kernel!(view, params);
    } else if (def.kind === 'global') {
      def.kernel(view, params, def.finish(def.partial({ ...view, data: data.slice() }, params), params));
    } else throw new Error(`${spec}: not a tile op`);
  }
  const Y16 = (r: number, g: number, b: number) => 13933 * r + 46871 * g + 4732 * b;
  const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);
  const input = syntheticRgba(W, H, 9, true);

  // The 32-bit word path (aligned buffers, as every tile) and the byte path (unaligned views) agree.
  for (const spec of [
    'saturation:factor=1.8', 'saturation:factor=0.4', 'hue:degrees=75', 'sepia', 'tint:r=255,g=200,b=120',
    'channel-mix:matrix=0.6 0.3 0.1 -0.2 1.2 0 0.1 0.1 0.9', 'channel-mix:matrix=0.5 0.5 0 0 1 0 0.25 0.25 0.5',
    'channel-mix:matrix=1 0 0 0 0 0.9 0 0.1 0 0 1 0 -0.2 0 0 1.3', 'threshold', 'threshold:grayscale=false', 'opacity:factor=0.3',
    'equalize', 'auto-white-balance',
  ]) {
    it(`${spec}: word and byte paths agree`, () => {
      const aligned = input.slice();
      const backing = new Uint8Array(input.length + 1);
      backing.set(input, 1);
      const unaligned = backing.subarray(1);
      apply(spec, aligned);
      apply(spec, unaligned);
      expect(Buffer.from(unaligned).equals(Buffer.from(aligned))).toBe(true);
      expect(Buffer.from(aligned).equals(Buffer.from(input)), 'changes pixels').toBe(false);
    });
  }

  /** Checks every pixel of `spec`'s output against a per-pixel reference written from the TSDoc definition. */
  function against(spec: string, ref: (r: number, g: number, b: number, a: number) => number[]): void {
    const out = input.slice();
    apply(spec, out);
    let bad = 0;
    for (let i = 0; i < out.length; i += 4) {
      const e = ref(input[i], input[i + 1], input[i + 2], input[i + 3]);
      if (e.some((v, c) => v !== out[i + c])) bad++;
    }
    expect(bad, spec).toBe(0);
  }

  it('saturation: floor(f v + (1 - f) Y + 0.5), clamped; alpha kept', () => {
    for (const f of [0, 0.4, 1.8, 10]) {
      against(`saturation:factor=${f}`, (r, g, b, a) => {
        const y = Y16(r, g, b) / 65536;
        return [r, g, b].map((v) => clamp(Math.floor(f * v + (1 - f) * y + 0.5))).concat(a);
      });
    }
  });

  it('tint: round(Y t / 255); alpha kept', () => {
    against('tint:r=255,g=200,b=120', (r, g, b, a) => [255, 200, 120].map((t) => Math.floor((Y16(r, g, b) * t) / (255 * 65536) + 0.5)).concat(a));
  });

  it('threshold: luma >= value', () => {
    against('threshold:value=90', (r, g, b, a) => {
      const y = (Y16(r, g, b) + 32768) >> 16;
      return [y >= 90 ? 255 : 0, y >= 90 ? 255 : 0, y >= 90 ? 255 : 0, a];
    });
  });

  it('hue and channel-mix: coefficients in 1/65536 units, integer sums, half up', () => {
    const rows = (m: number[]) => (r: number, g: number, b: number, a: number) => {
      const c = m.map((v) => Math.round(v * 65536));
      return [0, 1, 2].map((i) => clamp(Math.floor((c[3 * i] * r + c[3 * i + 1] * g + c[3 * i + 2] * b + 32768) / 65536))).concat(a);
    };
    const t = (75 * Math.PI) / 180;
    const co = Math.cos(t), s = Math.sin(t) / Math.sqrt(3), k = (1 - co) / 3;
    against('hue:degrees=75', rows([co + k, k - s, k + s, k + s, co + k, k - s, k - s, k + s, co + k]));
    against('channel-mix:matrix=0.6 0.3 0.1 -0.2 1.2 0 0.1 0.1 0.9', rows([0.6, 0.3, 0.1, -0.2, 1.2, 0, 0.1, 0.1, 0.9]));
  });

  it('levels, posterize and linear tables follow their formulas', () => {
    against('levels:black=20,white=230,gamma=1.4', (r, g, b, a) =>
      [r, g, b].map((v) => Math.round(255 * Math.pow(Math.min(1, Math.max(0, (v - 20) / 210)), 1 / 1.4))).concat(a));
    against('posterize:levels=6', (r, g, b, a) => [r, g, b].map((v) => Math.round((Math.round((v * 5) / 255) * 255) / 5)).concat(a));
    against('linear:a=1.2 0.8 -0.5,b=10 -5 200', (r, g, b, a) => [clamp(Math.trunc(1.2 * r + 10)), clamp(Math.trunc(0.8 * g - 5)), clamp(Math.trunc(-0.5 * b + 200)), a]);
  });
});
