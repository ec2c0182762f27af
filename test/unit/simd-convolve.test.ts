/**
 * The WebAssembly SIMD square convolution (behind `convolve` and `emboss`)
 * gives exactly the bytes of the JavaScript kernel: integral matrices summed
 * in 32-bit lanes, any other matrix in f64 in the JavaScript loop's tap order,
 * and Math.round's half-up rounding, on RGBA and RGB views, for any region,
 * matrix size, divisor and offset.
 */
import { describe, expect, it } from 'vitest';
import { jsConvolve } from '../../dist/src/kernels/convolve/js.js';
import { simdConvolve } from '../../dist/src/kernels/convolve/simd.js';
import { simdAvailable } from '../../dist/src/kernels/simd.js';
import { narrowToRgb } from '../../dist/src/model/raster.js';
import { rng, tileRegion as region } from '../fixtures.js';

type Case = readonly [name: string, matrix: readonly number[], divisor: number, offset: number];

/** Matrices of every size: integral (divisor 1, a power of two, other), fractional, extreme weights, sparse. */
function cases(rand: () => number): Case[] {
  const out: Case[] = [
    ['binomial / 16 (a power of two)', [1, 2, 1, 2, 4, 2, 1, 2, 1], 16, 0],
    ['box / 9', Array(9).fill(1), 9, 0],
    ['edges, offset 128', [-1, -1, -1, -1, 8, -1, -1, -1, -1], 1, 128],
    ['emboss 2.5 (fractional weights)', [-5, -2.5, 0, -2.5, 1, 2.5, 0, 2.5, 5], 1, 0],
    ['negative divisor', [1, 2, 1, 2, 4, 2, 1, 2, 1], -3, 200],
    ['fractional divisor 0.75', [0, 1, 0, 1, 1, 1, 0, 1, 0], 0.75, -0.5],
  ];
  for (const n of [3, 5, 7, 9, 15]) {
    const draw = (f: () => number): number[] => Array.from({ length: n * n }, f);
    out.push(
      [`${n}×${n} integral, divisor 1`, draw(() => Math.round(rand() * 20 - 10)), 1, -7],
      [`${n}×${n} integral, divisor 13, offset 3.5`, draw(() => Math.round(rand() * 30 - 10)), 13, 3.5],
      [`${n}×${n} fractional`, draw(() => rand() * 2 - 0.9), 1.3, -2.5],
      [`${n}×${n} sparse ±1000`, draw(() => (rand() < 0.6 ? 0 : rand() < 0.5 ? -1000 : 1000)), 1, 0],
      [`${n}×${n} sparse ±1000 / 4096`, draw(() => (rand() < 0.6 ? 0 : Math.round(rand() * 2000 - 1000))), 4096, 128],
    );
  }
  return out;
}

describe('SIMD convolution', () => {
  it('runs on this machine', () => expect(simdAvailable()).toBe(true));

  for (const [W, H] of [[97, 61], [3, 40], [333, 21]] as const) {
    it(`matches the JavaScript kernel byte for byte on random regions of a ${W}×${H} image, RGBA and RGB`, () => {
      const rand = rng(W * 31 + H);
      const img = new Uint8Array(W * H * 4);
      // Many 0 and 255, so that sums saturate both ways.
      for (let i = 0; i < img.length; i++) img[i] = rand() < 0.3 ? (rand() < 0.5 ? 0 : 255) : (rand() * 256) | 0;
      const rgbImg = narrowToRgb(img);
      for (const [name, matrix, divisor, offset] of cases(rand)) {
        const r = (Math.sqrt(matrix.length) - 1) / 2;
        for (let k = 0; k < 3; k++) {
          const dx = (rand() * W) | 0, dy = (rand() * H) | 0;
          const dw = 1 + ((rand() * (W - dx)) | 0), dh = 1 + ((rand() * (H - dy)) | 0);
          const where = `${name}, region ${dx},${dy} ${dw}×${dh}`;
          const { src, dst } = region(img, W, H, dx, dy, dw, dh, r);
          const js = { ...dst, data: new Uint8Array(dst.data.length) };
          jsConvolve(src, js, matrix, divisor, offset);
          simdConvolve(src, dst, matrix, divisor, offset);
          expect(Buffer.from(dst.data).equals(Buffer.from(js.data)), where).toBe(true);
          // RGB views: both kernels give the RGBA result's colour bytes.
          const rgb = region(rgbImg, W, H, dx, dy, dw, dh, r, 3);
          const js3 = { ...rgb.dst, data: new Uint8Array(rgb.dst.data.length) };
          jsConvolve(rgb.src, js3, matrix, divisor, offset);
          simdConvolve(rgb.src, rgb.dst, matrix, divisor, offset);
          expect(Buffer.from(js3.data).equals(Buffer.from(narrowToRgb(js.data))), `RGB js, ${where}`).toBe(true);
          expect(Buffer.from(rgb.dst.data).equals(Buffer.from(js3.data)), `RGB simd, ${where}`).toBe(true);
        }
      }
    });
  }

  it('rounds as Math.round: halves up, and 0.49999999999999994 down (where floor(x + 0.5) gives 1)', () => {
    // Every byte value once, 16 per row; the identity matrix, so each output is round(v / divisor + offset).
    const W = 16, H = 16;
    const img = new Uint8Array(W * H * 4);
    for (let i = 0; i < img.length; i++) img[i] = (i >> 2) + (i & 3) * 64 & 255;
    const identity = [0, 0, 0, 0, 1, 0, 0, 0, 0];
    for (const [divisor, offset] of [[1, 0.49999999999999994], [1, 0.5], [1, -0.5], [2, 0], [-2, 255], [4, 0.25], [3, 0.5], [1, -254.5]]) {
      for (const matrix of [identity, identity.map((v) => v * 0.5)]) {
        const { src, dst } = region(img, W, H, 0, 0, W, H, 1);
        simdConvolve(src, dst, matrix, divisor, offset);
        const expected = img.map((v) => Math.min(255, Math.max(0, Math.round((v * matrix[4]) / divisor + offset))));
        expect(Array.from(dst.data), `divisor ${divisor}, offset ${offset}, centre ${matrix[4]}`).toEqual(Array.from(expected));
      }
    }
  });
});
