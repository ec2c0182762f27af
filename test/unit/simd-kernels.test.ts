/**
 * The WebAssembly SIMD kernels give exactly the bytes of the JavaScript ones
 * (Gaussian, median), for any region of any image, any parameter, and any
 * width (including widths that are not a multiple of the 16-value block).
 */
import { describe, expect, it } from 'vitest';
import { gaussianRadius, gaussianTaps, jsGaussianBlur } from '../../dist/src/kernels/gaussian/js.js';
import { simdGaussianBlur } from '../../dist/src/kernels/gaussian/simd.js';
import { simdAvailable, simdUnavailable } from '../../dist/src/kernels/simd.js';
import { simdMedian } from '../../dist/src/kernels/median/simd.js';
import { huangMedian } from '../../dist/src/kernels/median/js.js';
import { jsMorphology } from '../../dist/src/kernels/morphology/js.js';
import { simdMorphology } from '../../dist/src/kernels/morphology/simd.js';
import { simdSobel } from '../../dist/src/kernels/sobel/simd.js';
import { jsSobel } from '../../dist/src/kernels/sobel/js.js';
import type { TileView } from '../../dist/src/model/op.js';
import { rng } from '../fixtures.js';
import { detailTable, jsUnsharp } from '../../dist/src/kernels/unsharp/js.js';
import { simdUnsharpMask } from '../../dist/src/kernels/unsharp/simd.js';
import { narrowToRgb, widenRgb } from '../../dist/src/model/raster.js';

/** `dst` region and its `src` view (grown by r, clipped to the image) cut from a random image. */
function region(img: Uint8Array, W: number, H: number, dx: number, dy: number, dw: number, dh: number, r: number, c: 3 | 4 = 4): { src: TileView; dst: TileView } {
  const sx = Math.max(0, dx - r), sy = Math.max(0, dy - r);
  const ex = Math.min(W, dx + dw + r), ey = Math.min(H, dy + dh + r);
  const data = new Uint8Array((ex - sx) * (ey - sy) * c);
  for (let y = sy; y < ey; y++) data.set(img.subarray((y * W + sx) * c, (y * W + ex) * c), (y - sy) * (ex - sx) * c);
  const src = { data, channels: c, x: sx, y: sy, width: ex - sx, height: ey - sy, imageWidth: W, imageHeight: H };
  const dst = { data: new Uint8Array(dw * dh * c), channels: c, x: dx, y: dy, width: dw, height: dh, imageWidth: W, imageHeight: H };
  return { src, dst };
}

describe('WebAssembly SIMD kernels', () => {
  it('loads on this machine (else every blur silently runs the slower JavaScript path)', () => {
    expect(simdAvailable()).toBe(true);
    expect(simdUnavailable).toBeUndefined();
  });

  for (const [W, H] of [[97, 61], [3, 40], [1030, 9]] as const) {
    it(`matches the JavaScript kernel byte for byte on random regions of a ${W}×${H} image, RGBA and RGB; RGB gives the RGBA result's colour bytes`, () => {
      const rand = rng(W * 7 + H);
      const img = new Uint8Array(W * H * 4);
      for (let i = 0; i < img.length; i++) img[i] = (rand() * 256) | 0;
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
    const img = new Uint8Array(W * H * 4);
    for (let i = 0; i < img.length; i++) img[i] = (rand() * 256) | 0;
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

  for (const [W, H] of [[97, 61], [5, 33], [700, 17]] as const) {
    it(`median matches the JavaScript (Huang) kernel byte for byte on random regions of a ${W}×${H} image, radius 1 to 7, RGBA and RGB`, () => {
      const rand = rng(W * 13 + H);
      const img = new Uint8Array(W * H * 4);
      // Few distinct values, so that ties (equal values around the median) are common.
      for (let i = 0; i < img.length; i++) img[i] = i % 3 === 0 ? ((rand() * 4) | 0) * 60 : (rand() * 256) | 0;
      for (let r = 1; r <= 7; r++) {
        for (let k = 0; k < 6; k++) {
          const dx = (rand() * W) | 0, dy = (rand() * H) | 0;
          const dw = 1 + ((rand() * (W - dx)) | 0), dh = 1 + ((rand() * (H - dy)) | 0);
          const { src, dst } = region(img, W, H, dx, dy, dw, dh, r);
          const js = { ...dst, data: new Uint8Array(dst.data.length) };
          huangMedian(src, js, r);
          simdMedian(src, dst, r);
          expect(Buffer.from(dst.data).equals(Buffer.from(js.data)), `radius ${r}, region ${dx},${dy} ${dw}×${dh}`).toBe(true);
          // The same region as RGB: the SIMD kernel gives the RGBA result's colour bytes.
          const rgb = region(narrowToRgb(img), W, H, dx, dy, dw, dh, r, 3);
          simdMedian(rgb.src, rgb.dst, r);
          expect(Buffer.from(rgb.dst.data).equals(Buffer.from(narrowToRgb(js.data))), `RGB, radius ${r}, region ${dx},${dy} ${dw}×${dh}`).toBe(true);
        }
      }
    });
  }

  for (const [W, H] of [[97, 61], [2, 50], [530, 23]] as const) {
    it(`dilate/erode match the JavaScript (van Herk) kernel byte for byte on random regions of a ${W}×${H} image`, () => {
      const rand = rng(W * 17 + H);
      const img = new Uint8Array(W * H * 4);
      for (let i = 0; i < img.length; i++) img[i] = (rand() * 256) | 0;
      for (const r of [1, 2, 3, 7, 12, 50]) {
        for (const min of [false, true]) {
          for (let k = 0; k < 4; k++) {
            const dx = (rand() * W) | 0, dy = (rand() * H) | 0;
            const dw = 1 + ((rand() * (W - dx)) | 0), dh = 1 + ((rand() * (H - dy)) | 0);
            const { src, dst } = region(img, W, H, dx, dy, dw, dh, r);
            const js = { ...dst, data: new Uint8Array(dst.data.length) };
            jsMorphology(src, js, r, min);
            simdMorphology(src, dst, r, min);
            expect(Buffer.from(dst.data).equals(Buffer.from(js.data)), `${min ? 'erode' : 'dilate'} radius ${r}, region ${dx},${dy} ${dw}×${dh}`).toBe(true);
          }
        }
      }
    });
  }

  it('sobel: f32 floor(sqrt(q)·0.25 + 0.5), as the SIMD kernel computes it, equals Math.round(Math.sqrt(q) / 4) for every q = Gx² + Gy² ≤ 2·1020²', () => {
    let mismatches = 0;
    for (let q = 0; q <= 2 * 1020 * 1020; q++) {
      const f32 = Math.floor(Math.fround(Math.fround(Math.fround(Math.sqrt(q)) * 0.25) + 0.5));
      if (f32 !== Math.round(Math.sqrt(q) / 4)) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  for (const [W, H] of [[97, 61], [1, 30], [403, 19]] as const) {
    it(`sobel matches the JavaScript kernel byte for byte (R, G, B) on random regions of a ${W}×${H} image, RGBA and RGB`, () => {
      const rand = rng(W * 19 + H);
      const img = new Uint8Array(W * H * 4);
      // Mostly 0 and 255, so magnitudes often saturate at 255.
      for (let i = 0; i < img.length; i++) img[i] = rand() < 0.8 ? (rand() < 0.5 ? 0 : 255) : (rand() * 256) | 0;
      for (let k = 0; k < 30; k++) {
        const dx = (rand() * W) | 0, dy = (rand() * H) | 0;
        const dw = 1 + ((rand() * (W - dx)) | 0), dh = 1 + ((rand() * (H - dy)) | 0);
        const { src, dst } = region(img, W, H, dx, dy, dw, dh, 1);
        const js = { ...dst, data: new Uint8Array(dst.data.length) };
        jsSobel(src, js);
        simdSobel(src, dst);
        // Alpha is the executor's (the op keeps the input's): compare colour only.
        for (let i = 3; i < dst.data.length; i += 4) dst.data[i] = js.data[i];
        expect(Buffer.from(dst.data).equals(Buffer.from(js.data)), `region ${dx},${dy} ${dw}×${dh}`).toBe(true);
        // The same region as RGB: both kernels give the RGBA result's colour bytes.
        const rgb = region(narrowToRgb(img), W, H, dx, dy, dw, dh, 1, 3);
        const js3 = { ...rgb.dst, data: new Uint8Array(rgb.dst.data.length) };
        jsSobel(rgb.src, js3);
        simdSobel(rgb.src, rgb.dst);
        expect(Buffer.from(js3.data).equals(Buffer.from(narrowToRgb(js.data))), `RGB js, region ${dx},${dy} ${dw}×${dh}`).toBe(true);
        expect(Buffer.from(rgb.dst.data).equals(Buffer.from(js3.data)), `RGB simd, region ${dx},${dy} ${dw}×${dh}`).toBe(true);
      }
    });
  }

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
    const img = new Uint8Array(W * H * 4);
    for (let i = 0; i < img.length; i++) img[i] = (rand() * 256) | 0;
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

describe('RGB ↔ RGBA for tiles', () => {
  it('widenRgb and narrowToRgb round-trip any length and offset, alpha 255', () => {
    for (const n of [0, 1, 3, 4, 5, 8, 13, 1001]) {
      for (const offset of [0, 1, 4]) {
        const backing = new Uint8Array(n * 3 + offset);
        for (let i = 0; i < backing.length; i++) backing[i] = (i * 37 + 11) & 255;
        const rgb = backing.subarray(offset);
        const rgba = widenRgb(rgb);
        for (let i = 0; i < n; i++) expect([rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2], rgba[4 * i + 3]]).toEqual([rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2], 255]);
        expect(Buffer.from(narrowToRgb(rgba)).equals(Buffer.from(rgb))).toBe(true);
        const into = new Uint8Array(n * 3 + 8).fill(9);
        narrowToRgb(rgba, into.subarray(4, 4 + n * 3));
        expect(Buffer.from(into.subarray(4, 4 + n * 3)).equals(Buffer.from(rgb))).toBe(true);
        expect([into[3], into[4 + n * 3]]).toEqual([9, 9]);
      }
    }
  });
});
