/**
 * The WebAssembly SIMD kernels give exactly the bytes of the JavaScript ones
 * (median, morphology, sobel; the Gaussian and unsharp mask are in
 * simd-gaussian.test.ts), for any region of any image, any parameter, and
 * any width (including widths that are not a multiple of the 16-value block).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simdAvailable, simdUnavailable } from '../../dist/src/kernels/simd.js';
import { simdMedian } from '../../dist/src/kernels/median/simd.js';
import { huangMedian } from '../../dist/src/kernels/median/js.js';
import { jsMorphology } from '../../dist/src/kernels/morphology/js.js';
import { simdMorphology } from '../../dist/src/kernels/morphology/simd.js';
import { simdSobel } from '../../dist/src/kernels/sobel/simd.js';
import { jsSobel } from '../../dist/src/kernels/sobel/js.js';
import { noise, rng, tileRegion as region } from '../fixtures.js';
import { narrowToRgb, widenRgb } from '../../dist/src/model/raster.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('WebAssembly SIMD kernels', () => {
  it('loads on this machine (else every blur silently runs the slower JavaScript path)', () => {
    expect(simdAvailable()).toBe(true);
    expect(simdUnavailable).toBeUndefined();
  });

  for (const [W, H] of [[97, 61], [5, 33], [700, 17]] as const) {
    it(`median matches the JavaScript (Huang) kernel byte for byte on random regions of a ${W}×${H} image, radius 1 to 7, RGBA and RGB`, () => {
      const rand = rng(W * 13 + H);
      const img = new Uint8Array(W * H * 4);
      // Few distinct values, so that ties (equal values around the median) are common.
      // And the extremes 0 and 255 (the kernels order values XOR 0x80 as signed bytes).
      for (let i = 0; i < img.length; i++) img[i] = i % 3 === 0 ? ((rand() * 4) | 0) * 60 : i % 7 === 0 ? 255 * ((rand() * 2) | 0) : (rand() * 256) | 0;
      for (let r = 1; r <= 7; r++) {
        // Radii 1 to 3 (the selection networks; 2 is the bench's custom chain's) more often.
        for (let k = 0; k < (r <= 3 ? 24 : 6); k++) {
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

  it('the radius-2 and -3 median networks are what scripts/median-network.mjs writes (the script checks them on every 0-1 input with sorted columns)', () => {
    const res = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'median-network.mjs'), '--check'], { encoding: 'utf8' });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
  });

  for (const [W, H] of [[97, 61], [2, 50], [530, 23]] as const) {
    it(`dilate/erode match the JavaScript (van Herk) kernel byte for byte on random regions of a ${W}×${H} image, RGBA and RGB`, () => {
      const rand = rng(W * 17 + H);
      const img = noise(W * H * 4, rand);
      for (const r of [1, 2, 3, 7, 12, 50]) {
        for (const min of [false, true]) {
          for (let k = 0; k < 4; k++) {
            const dx = (rand() * W) | 0, dy = (rand() * H) | 0;
            const dw = 1 + ((rand() * (W - dx)) | 0), dh = 1 + ((rand() * (H - dy)) | 0);
            const { src, dst } = region(img, W, H, dx, dy, dw, dh, r);
            const js = { ...dst, data: new Uint8Array(dst.data.length) };
            jsMorphology(src, js, r, min);
            simdMorphology(src, dst, r, min);
            const where = `${min ? 'erode' : 'dilate'} radius ${r}, region ${dx},${dy} ${dw}×${dh}`;
            expect(Buffer.from(dst.data).equals(Buffer.from(js.data)), where).toBe(true);
            // The same region as RGB: the SIMD kernel, and the JavaScript one through the op's choice, give the RGBA result's colour bytes.
            const rgb = region(narrowToRgb(img), W, H, dx, dy, dw, dh, r, 3);
            simdMorphology(rgb.src, rgb.dst, r, min);
            expect(Buffer.from(rgb.dst.data).equals(Buffer.from(narrowToRgb(js.data))), `RGB, ${where}`).toBe(true);
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
