/**
 * Oracle tests: our point/global/geometry ops against sharp (libvips) on the
 * same decoded, opaque input. Differences are measured on R, G, B as mean and
 * maximum absolute difference in levels; the tolerance is mean ≤ 0.5 and
 * max ≤ 2 where the definitions agree. Where they differ on purpose, the test
 * says how, checks where they coincide, and pins our own definition with an
 * independent or hand-computed reference:
 *
 * - gamma: sharp has no standalone gamma, but `sharp().gamma(g1, g2)` applies
 *   libvips `vips_gamma` even without a resize: `gamma(1, g)` computes
 *   255·(v/255)^(1/g) (our `gamma:gamma=g`, for g in [1, 3]) and `gamma(g, 1)`
 *   computes 255·(v/255)^g (our `gamma:gamma=1/g`). libvips truncates the
 *   result to 8 bits, we round to nearest: ours − sharp is 0 or +1 everywhere.
 *   Our result also equals a LUT computed independently here.
 * - linear: identical definition (trunc toward zero, clamped): exact.
 * - threshold: per channel (grayscale=false) identical: exact. With greyscale,
 *   sharp thresholds libvips's B_W image (luminance of *linearised* sRGB,
 *   re-encoded), we threshold Rec. 709 luma of the stored values (the
 *   `grayscale` op); they agree exactly on grey images and differ on some
 *   saturated colours near the threshold (measured below).
 * - flip / flop: exact.
 * - normalize: ours stretches each of R, G, B linearly so that its own
 *   [lower, upper] percentile (default 0/100: min/max) maps to 0..255 — a per-channel
 *   auto-levels that can shift colour balance. sharp's `normalise({ lower, upper })`
 *   (default lower 1, upper 99, so `normalize:lower=1,upper=99` is the
 *   counterpart of sharp's default) converts to CIE LAB, takes the lower/upper
 *   percentiles of L* (truncated to integers), stretches L* linearly to 0..100, keeps a* and b* (chroma), and
 *   converts back — so the stretch is linear in L*, not in the stored values,
 *   and hue/chroma are kept. They coincide (within rounding of the LAB round
 *   trip) when each channel already spans 0..255 (both: identity) and on a grey
 *   image of two levels {0, v} (both: {0, 255}); on a grey ramp they differ in
 *   the mid-tones (measured and reported below). Our definition is pinned by a
 *   hand-computed reference.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp, { type Sharp } from 'sharp';
import { createPipeline, type Pipeline } from '../../dist/src/index.js';
import { rawRgba, syntheticPng, syntheticRgba } from '../fixtures.js';

interface Diff { mean: number; max: number; count: number }

/** Mean and max absolute difference over R, G, B, and the number of differing samples. */
async function compare(a: Buffer, b: Buffer): Promise<Diff> {
  const [ra, rb] = await Promise.all([rawRgba(a), rawRgba(b)]);
  expect([ra.width, ra.height]).toEqual([rb.width, rb.height]);
  let sum = 0;
  let max = 0;
  let count = 0;
  const n = ra.width * ra.height;
  for (let i = 0; i < n * 4; i++) {
    if ((i & 3) === 3) continue;
    const d = Math.abs(ra.data[i] - rb.data[i]);
    sum += d;
    if (d > max) max = d;
    if (d) count++;
  }
  return { mean: sum / (n * 3), max, count };
}

function pngOf(pixels: Uint8Array, width: number, height: number, channels: 3 | 4 = 3): Promise<Buffer> {
  return sharp(pixels, { raw: { width, height, channels } }).png().toBuffer();
}

const report: string[] = [];
function note(name: string, d: Diff): void {
  report.push(`${name.padEnd(72)} mean ${d.mean.toFixed(4)}  max ${d.max}  differing samples ${d.count}`);
}

describe('oracle: ours vs sharp on the same opaque input', () => {
  let p: Pipeline;
  let input: Buffer; // 256x192 opaque RGB
  const ours = (ops: string[], src = input) => p.processBuffer(src, { ops, format: 'png' });
  const theirs = (f: (s: Sharp) => Sharp, src = input) => f(sharp(src)).png().toBuffer();

  beforeAll(async () => {
    p = createPipeline({ workers: 2, tileSize: 64 });
    input = await syntheticPng(256, 192, 21, false);
  });
  afterAll(async () => {
    await p.close();
    console.log(`oracle differences (R, G, B levels):\n${report.join('\n')}`);
  });

  it('gamma vs sharp.gamma (libvips vips_gamma): ours rounds, libvips truncates', async () => {
    const decoded = await rawRgba(input);
    for (const [ops, f, exponent] of [
      [['gamma:gamma=2.2'], (s: Sharp) => s.gamma(1, 2.2), 1 / 2.2],
      [['gamma:gamma=1.5'], (s: Sharp) => s.gamma(1, 1.5), 1 / 1.5],
      [['gamma:gamma=3'], (s: Sharp) => s.gamma(1, 3), 1 / 3],
      [['gamma:gamma=0.5'], (s: Sharp) => s.gamma(2, 1), 2],
      [['gamma:gamma=0.4'], (s: Sharp) => s.gamma(2.5, 1), 2.5],
    ] as const) {
      const a = await ours([...ops]);
      const b = await theirs(f);
      const d = await compare(a, b);
      note(`${ops[0]} vs sharp.gamma`, d);
      expect(d.max, ops[0]).toBeLessThanOrEqual(1);
      expect(d.mean, ops[0]).toBeLessThanOrEqual(0.6);
      // ours - sharp is 0 or +1 (round vs truncate), never negative.
      const [ra, rb] = [await rawRgba(a), await rawRgba(b)];
      let negative = 0;
      let notLut = 0;
      for (let i = 0; i < ra.data.length; i++) {
        if ((i & 3) === 3) continue;
        if (ra.data[i] < rb.data[i]) negative++;
        // Independent reference: round(255 * (v / 255)^exponent).
        if (ra.data[i] !== Math.round(255 * Math.pow(decoded.data[i] / 255, exponent))) notLut++;
      }
      expect(negative, `${ops[0]}: ours below sharp`).toBe(0);
      expect(notLut, `${ops[0]}: ours vs independent LUT`).toBe(0);
    }
  });

  it('linear vs sharp.linear: exact', async () => {
    for (const [a, b] of [
      [[1.3], [10.25]],
      [[-0.7], [200.5]],
      [[1.2, 0.8, -0.5], [10, -5, 200]],
      [[0.25, 3, 1], [0, -300, 0.99]],
      [[-100], [1000]],
    ]) {
      const d = await compare(await ours([`linear:a=${a.join(' ')},b=${b.join(' ')}`]), await theirs((s) => s.linear(a, b)));
      note(`linear:a=${a.join(' ')},b=${b.join(' ')}`, d);
      expect(d.max, `a=${a} b=${b}`).toBe(0);
    }
  });

  it('threshold vs sharp.threshold', async () => {
    for (const t of [1, 64, 128, 200, 255]) {
      const d = await compare(await ours([`threshold:value=${t},grayscale=false`]), await theirs((s) => s.threshold(t, { greyscale: false })));
      note(`threshold:value=${t},grayscale=false`, d);
      expect(d.max, `per channel, t=${t}`).toBe(0);
    }
    // Greys: B_W luminance of a grey is the grey itself, as is our luma: exact.
    const w = 256, h = 4;
    const grey = new Uint8Array(w * h * 3);
    for (let i = 0; i < w * h; i++) grey.fill((i * 37) & 255, i * 3, i * 3 + 3);
    const greyPng = await pngOf(grey, w, h);
    for (const t of [1, 100, 128, 255]) {
      const d = await compare(await ours([`threshold:value=${t}`], greyPng), await theirs((s) => s.threshold(t), greyPng));
      note(`threshold:value=${t} (grey input)`, d);
      expect(d.max, `grey input, t=${t}`).toBe(0);
    }
    // Colour with greyscale: the definitions differ on purpose (luma of stored values vs
    // luminance of linear light); measured and bounded, not equal.
    const d = await compare(await ours(['threshold']), await theirs((s) => s.threshold(128)));
    note('threshold (colour, greyscale) [differs]', d);
    expect(d.count / (256 * 192 * 3)).toBeLessThan(0.2);
  });

  it('flip and flop vs sharp.flip / sharp.flop: exact, with and without alpha', async () => {
    const rgba = await syntheticPng(83, 77, 5, true);
    for (const src of [input, rgba]) {
      for (const [op, f] of [['flip', (s: Sharp) => s.flip()], ['flop', (s: Sharp) => s.flop()]] as const) {
        const a = await ours([op], src);
        const b = await theirs(f, src);
        const d = await compare(a, b);
        note(`${op} (${src === input ? 'rgb' : 'rgba'})`, d);
        expect(d.max, op).toBe(0);
        expect((await rawRgba(a)).data.equals((await rawRgba(b)).data), `${op} alpha too`).toBe(true);
      }
    }
  });

  it('normalize vs sharp.normalise where the definitions coincide', async () => {
    // 1. Every channel already spans 0..255: ours is the identity, sharp stretches L* by 1
    //    (LAB round trip only).
    const full = syntheticRgba(256, 192, 21, false);
    full.set([0, 0, 0, 255, 255, 255, 255, 255], 0);
    const fullPng = await sharp(full, { raw: { width: 256, height: 192, channels: 4 } }).removeAlpha().png().toBuffer();
    const a = await ours(['normalize'], fullPng);
    expect((await compare(a, fullPng)).max, 'ours: identity').toBe(0);
    const d = await compare(a, await theirs((s) => s.normalise({ lower: 0, upper: 100 }), fullPng));
    note('normalize vs normalise({0, 100}) (full-range colour)', d);
    expect(d.mean).toBeLessThanOrEqual(0.5);
    expect(d.max).toBeLessThanOrEqual(2);
    // 2. A grey image of two levels {0, v}: both give {0, 255}, with min/max and 1/99 percentiles.
    //    Caveat: libvips's percent() returns the integer L* bin *above* the upper percentile, so
    //    sharp maps v to 255 only where L*(v) is just below an integer (v = 171: L* = 69.99);
    //    for v = 170 (L* = 69.61) sharp's upper bound is 70 and v maps to 253.
    const twoLevel = (v: number) => {
      const w = 64, h = 32;
      const px = new Uint8Array(w * h * 3);
      for (let i = 0; i < w * h; i++) px.fill(i % 3 === 0 ? v : 0, i * 3, i * 3 + 3);
      return pngOf(px, w, h);
    };
    const twoPng = await twoLevel(171);
    for (const [ops, opts] of [[['normalize'], { lower: 0, upper: 100 }], [['normalize:lower=1,upper=99'], {}]] as const) {
      const a = await ours([...ops], twoPng);
      const d = await compare(a, await theirs((s) => s.normalise(opts), twoPng));
      note(`${ops[0]} vs normalise(${JSON.stringify(opts)}) (grey {0, 171})`, d);
      expect(d.max).toBe(0);
      expect([...new Set((await rawRgba(a)).data)].sort((x, y) => x - y)).toEqual([0, 255]);
    }
    const png170 = await twoLevel(170);
    const d170 = await compare(await ours(['normalize:lower=1,upper=99'], png170), await theirs((s) => s.normalise(), png170));
    note('normalize:lower=1,upper=99 vs normalise() (grey {0, 170}) [percent() rounding]', d170);
    expect(d170.max).toBeLessThanOrEqual(2);
    // 3. Where they differ on purpose: a grey ramp 30..220 (linear in values vs linear in L*),
    //    and a colour image (per-channel vs lightness only). Reported, not bounded.
    const ramp = new Uint8Array(256 * 8 * 3);
    for (let i = 0; i < 256 * 8; i++) ramp.fill(30 + Math.round(((i % 256) * 190) / 255), i * 3, i * 3 + 3);
    const rampPng = await pngOf(ramp, 256, 8);
    note('normalize vs normalise({0, 100}) (grey ramp) [differs]', await compare(await ours(['normalize'], rampPng), await theirs((s) => s.normalise({ lower: 0, upper: 100 }), rampPng)));
    note('normalize:lower=1,upper=99 vs normalise() (colour) [differs]', await compare(await ours(['normalize:lower=1,upper=99']), await theirs((s) => s.normalise())));
  });

  it('normalize: our definition on a hand-computed reference', async () => {
    // R = 0 50 100 150 255, G = 77 throughout, B = 10 20 30 40 50.
    const px = new Uint8Array([0, 77, 10, 50, 77, 20, 100, 77, 30, 150, 77, 40, 255, 77, 50]);
    const src = await pngOf(px, 5, 1);
    const run = async (ops: string[]) => [...(await rawRgba(await ours(ops, src))).data].filter((_, i) => i % 4 !== 3);
    // min/max: R identity (0..255), G constant (unchanged), B (v - 10) * 255 / 40: 20 -> 63.75 -> 64, 30 -> 127.5 -> 128, 40 -> 191.25 -> 191.
    expect(await run(['normalize'])).toEqual([0, 77, 0, 50, 77, 64, 100, 77, 128, 150, 77, 191, 255, 77, 255]);
    // lower 20, upper 80 over 5 pixels: the value where the cumulative count first exceeds 1
    // from each end: R in [50, 150] -> (v - 50) * 2.55: 100 -> 127.5 -> 128; B in [20, 40] -> (v - 20) * 12.75.
    expect(await run(['normalize:lower=20,upper=80'])).toEqual([0, 77, 0, 0, 77, 0, 128, 77, 128, 255, 77, 255, 255, 77, 255]);
  });
});
