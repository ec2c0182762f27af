/**
 * The WebAssembly SIMD Gaussian and unsharp mask give exactly the bytes of
 * the JavaScript kernels, for any region, sigma, band size and pixel values,
 * including widths that are not a multiple of the 16-value block.
 */
import { describe, expect, it } from 'vitest';
import { gaussianRadius, gaussianTaps, jsGaussianBlur } from '../../dist/src/kernels/gaussian/js.js';
import { simdGaussianBlur } from '../../dist/src/kernels/gaussian/simd.js';
import { detailTable, jsUnsharp } from '../../dist/src/kernels/unsharp/js.js';
import { simdUnsharpMask } from '../../dist/src/kernels/unsharp/simd.js';
import { narrowToRgb } from '../../dist/src/model/raster.js';
import { noise, rng, tileRegion as region } from '../fixtures.js';

describe('Gaussian on WebAssembly SIMD', () => {
  for (const [W, H] of [[97, 61], [3, 40], [1030, 9]] as const) {
    it(`matches the JavaScript kernel byte for byte on random regions of a ${W}×${H} image, RGBA and RGB; RGB gives the RGBA result's colour bytes`, () => {
      const rand = rng(W * 7 + H);
      const img = noise(W * H * 4, rand);
      const img3 = narrowToRgb(img);
      let compared = 0;
      for (const sigma of [0.3, 0.5, 1, 2, 3.3, 8]) {
        for (const precision of ['exact', 'approximate'] as const) {
          const r = gaussianRadius(sigma, precision);
          const taps = gaussianTaps(sigma, precision);
          for (let k = 0; k < 6; k++) {
            const dx = (rand() * W) | 0, dy = (rand() * H) | 0;
            const dw = 1 + ((rand() * (W - dx)) | 0), dh = 1 + ((rand() * (H - dy)) | 0);
            const results: Uint8Array[] = [];
            for (const c of [4, 3] as const) {
              const { src, dst } = region(c === 4 ? img : img3, W, H, dx, dy, dw, dh, r, c);
              const js = { ...dst, data: new Uint8Array(dst.data.length) };
              jsGaussianBlur(src, js, taps);
              simdGaussianBlur(src, dst, taps);
              expect(Buffer.from(dst.data).equals(Buffer.from(js.data)), `${c} channels, sigma ${sigma} ${precision}, region ${dx},${dy} ${dw}×${dh}`).toBe(true);
              results.push(dst.data);
              compared++;
            }
            expect(Buffer.from(narrowToRgb(results[0])).equals(Buffer.from(results[1])), `RGB vs RGBA, sigma ${sigma} ${precision}`).toBe(true);
          }
        }
      }
      expect(compared).toBe(144);
    });
  }

  it('gives the same bytes in bands as in one piece: bands of one row, of a few rows, and with a last band shorter than the rest', () => {
    const rand = rng(5);
    const W = 67, H = 45;
    const img = noise(W * H * 4, rand);
    let compared = 0;
    for (const sigma of [0.5, 2, 4]) {
      const taps = gaussianTaps(sigma, 'exact');
      for (const c of [4, 3] as const) {
        for (const [dx, dy, dw, dh] of [[0, 0, W, H], [9, 4, 30, 33], [40, 30, 27, 15]]) {
          const { src, dst } = region(c === 4 ? img : narrowToRgb(img), W, H, dx, dy, dw, dh, taps.radius, c);
          const js = { ...dst, data: new Uint8Array(dst.data.length) };
          jsGaussianBlur(src, js, taps);
          for (const rowsPerBand of [1, 4, 7]) {
            dst.data.fill(0);
            simdGaussianBlur(src, dst, taps, { bandBytes: (rowsPerBand + 2 * taps.radius) * (src.width + dw) * c });
            expect(Buffer.from(dst.data).equals(Buffer.from(js.data)), `sigma ${sigma}, ${c} channels, region ${dx},${dy} ${dw}×${dh}, ${rowsPerBand} rows per band`).toBe(true);
            compared++;
          }
        }
      }
    }
    expect(compared).toBe(54);
  });

  it('matches the JavaScript Gaussian at the extremes of its 16-bit lanes: saturated, empty and 0/255-striped images, the narrowest and widest sigmas, every radius parity', () => {
    const W = 53, H = 37;
    const images: Array<[string, (i: number) => number]> = [
      ['all 255', () => 255],
      ['all 0', () => 0],
      ['0/255 columns', (i) => ((i >> 2) % 2) * 255],
      ['0/255 checkerboard', (i) => (((i >> 2) % W) + Math.floor((i >> 2) / W)) % 2 * 255],
    ];
    let compared = 0;
    for (const [name, value] of images) {
      const img = new Uint8Array(W * H * 4).map((_, i) => value(i));
      for (const sigma of [0.3, 0.6, 1.1, 1.5, 30, 100]) {
        for (const precision of ['exact', 'approximate'] as const) {
          const taps = gaussianTaps(sigma, precision);
          for (const c of [4, 3] as const) {
            const { src, dst } = region(c === 4 ? img : narrowToRgb(img), W, H, 5, 3, W - 9, H - 4, taps.radius, c);
            const js = { ...dst, data: new Uint8Array(dst.data.length) };
            jsGaussianBlur(src, js, taps);
            simdGaussianBlur(src, dst, taps);
            expect(Buffer.from(dst.data).equals(Buffer.from(js.data)), `${name}, ${c} channels, sigma ${sigma} ${precision}`).toBe(true);
            if (name === 'all 255') expect(dst.data.every((v) => v === 255), `${name} stays 255, sigma ${sigma} ${precision}`).toBe(true);
            compared++;
          }
        }
      }
    }
    expect(compared).toBe(96);
  });


  it('blurs: a single white pixel spreads into a symmetric bump that keeps its total', () => {
    const W = 21, H = 21;
    const img = new Uint8Array(W * H * 4);
    for (let i = 3; i < img.length; i += 4) img[i] = 255;
    img.set([255, 255, 255], (10 * W + 10) * 4);
    const { src, dst } = region(img, W, H, 0, 0, W, H, 0);
    simdGaussianBlur(src, dst, gaussianTaps(1));
    const at = (x: number, y: number) => dst.data[(y * W + x) * 4];
    expect(at(10, 10)).toBeGreaterThan(30);
    expect(at(10, 10)).toBeLessThan(60);
    expect(at(9, 10)).toBe(at(11, 10));
    expect(at(10, 9)).toBe(at(10, 11));
    expect(at(0, 0)).toBe(0);
    let total = 0;
    for (let i = 0; i < W * H; i++) total += dst.data[i * 4];
    expect(Math.abs(total - 255)).toBeLessThanOrEqual(30);
  });
});

describe('unsharp mask (sharpen)', () => {
  it('WebAssembly (table and linear SIMD paths, blur and combine fused) gives the JavaScript bytes for any amount, threshold and band size, RGBA and RGB', () => {
    const rand = rng(77);
    const W = 131, H = 23;
    const img = noise(W * H * 4, rand);
    let compared = 0;
    // amount 1, 2 threshold 0 take the linear SIMD path; the others the table path.
    for (const [amount, threshold] of [[1, 0], [2, 0], [10, 0], [0, 0], [0.5, 0], [1, 10], [3.3, 4]]) {
      for (let k = 0; k < 6; k++) {
        const dx = (rand() * W) | 0, dy = (rand() * H) | 0;
        const dw = 1 + ((rand() * (W - dx)) | 0), dh = 1 + ((rand() * (H - dy)) | 0);
        const c = k % 2 === 0 ? 4 : 3;
        const taps = gaussianTaps(k < 3 ? 1 : 1.7, 'exact');
        const { src, dst } = region(c === 4 ? img : narrowToRgb(img), W, H, dx, dy, dw, dh, taps.radius, c);
        const js = { ...dst, data: new Uint8Array(dst.data.length) };
        const table = detailTable(amount, threshold);
        jsGaussianBlur(src, js, taps);
        jsUnsharp(src, js, table);
        // Whole view in one band, then bands of about one and three rows.
        for (const bandBytes of [undefined, 1, (2 * taps.radius + 3) * (src.width + dw) * c]) {
          dst.data.fill(0);
          simdUnsharpMask(src, dst, taps, table, bandBytes);
          expect(Buffer.from(dst.data).equals(Buffer.from(js.data)), `amount ${amount} threshold ${threshold}, ${c} channels, band bytes ${bandBytes}`).toBe(true);
          compared++;
        }
      }
    }
    expect(compared).toBe(126);
  });
});
