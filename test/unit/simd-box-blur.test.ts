/**
 * The WebAssembly SIMD box blur gives exactly the bytes of the JavaScript
 * kernel (running integer sums, round half up), for any region of any image,
 * every radius from 1 to the op's maximum, RGBA and RGB, including images
 * narrower or shorter than the window.
 */
import { describe, expect, it } from 'vitest';
import { jsBoxBlur } from '../../dist/src/kernels/box-blur/js.js';
import { simdBoxBlur } from '../../dist/src/kernels/box-blur/simd.js';
import { simdAvailable } from '../../dist/src/kernels/simd.js';
import { narrowToRgb } from '../../dist/src/model/raster.js';
import { rng, tileRegion as region } from '../fixtures.js';

describe('SIMD box blur', () => {
  it('runs on this machine', () => expect(simdAvailable()).toBe(true));

  for (const [W, H] of [[97, 61], [3, 40], [333, 21], [1, 1]] as const) {
    it(`matches the JavaScript kernel byte for byte on random regions of a ${W}×${H} image, radius 1 to 100, RGBA and RGB`, () => {
      const rand = rng(W * 37 + H);
      const img = new Uint8Array(W * H * 4);
      for (let i = 0; i < img.length; i++) img[i] = rand() < 0.3 ? (rand() < 0.5 ? 0 : 255) : (rand() * 256) | 0;
      const rgbImg = narrowToRgb(img);
      for (const r of [1, 2, 3, 4, 7, 20, 63, 100]) {
        for (let k = 0; k < 3; k++) {
          const dx = (rand() * W) | 0, dy = (rand() * H) | 0;
          const dw = 1 + ((rand() * (W - dx)) | 0), dh = 1 + ((rand() * (H - dy)) | 0);
          const where = `radius ${r}, region ${dx},${dy} ${dw}×${dh}`;
          const { src, dst } = region(img, W, H, dx, dy, dw, dh, r);
          const js = { ...dst, data: new Uint8Array(dst.data.length) };
          jsBoxBlur(src, js, r);
          simdBoxBlur(src, dst, r);
          expect(Buffer.from(dst.data).equals(Buffer.from(js.data)), where).toBe(true);
          // RGB views: both kernels give the RGBA result's colour bytes.
          const rgb = region(rgbImg, W, H, dx, dy, dw, dh, r, 3);
          const js3 = { ...rgb.dst, data: new Uint8Array(rgb.dst.data.length) };
          jsBoxBlur(rgb.src, js3, r);
          simdBoxBlur(rgb.src, rgb.dst, r);
          expect(Buffer.from(js3.data).equals(Buffer.from(narrowToRgb(js.data))), `RGB js, ${where}`).toBe(true);
          expect(Buffer.from(rgb.dst.data).equals(Buffer.from(js3.data)), `RGB simd, ${where}`).toBe(true);
        }
      }
    });
  }

  it('saturated images at radius 100: sums at their largest (201² · 255) give 255, and 0 stays 0', () => {
    const W = 230, H = 9;
    for (const value of [255, 0]) {
      const img = new Uint8Array(W * H * 4).fill(value);
      const { src, dst } = region(img, W, H, 0, 0, W, H, 100);
      simdBoxBlur(src, dst, 100);
      expect(dst.data.every((v) => v === value)).toBe(true);
    }
  });

  it('rounds half up against an exact reference: the mean of a 3×3 window with sums 0..2295', () => {
    // One bright pixel of every value v in a black field: its 3×3 neighbours see v / 9.
    const W = 256 * 4, H = 3;
    const img = new Uint8Array(W * H * 4);
    for (let v = 0; v < 256; v++) img.fill(v, (W + v * 4) * 4, (W + v * 4) * 4 + 4);
    const { src, dst } = region(img, W, H, 0, 0, W, H, 1);
    simdBoxBlur(src, dst, 1);
    for (let v = 0; v < 256; v++) {
      const at = (W + v * 4 + 1) * 4; // the pixel right of the bright one, middle row
      expect(dst.data[at], `value ${v}`).toBe(Math.floor((v + 4) / 9));
    }
  });
});
