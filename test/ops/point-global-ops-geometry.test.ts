/**
 * The point, global and geometry ops, part 2: geometry, validation, and the kernels\' definitions
 * and code paths.
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
