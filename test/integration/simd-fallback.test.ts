/**
 * The JavaScript kernels that stand in where WebAssembly SIMD cannot run
 * (`TILEPIPE_SIMD=0`, or the module fails to load) give the same pixels as
 * the SIMD kernels, through the whole pipeline: every op with a SIMD kernel,
 * on an image with alpha (RGBA tiles) and one without (RGB tiles, which some
 * JavaScript kernels widen to RGBA and back), in tiles of 32 px.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createPipeline } from '../../dist/src/index.js';
import { simdAvailable } from '../../dist/src/kernels/simd.js';
import { diffPixels, syntheticPng, tempDir } from '../fixtures.js';

const CHAINS: Record<string, string[]> = {
  blur: ['blur:sigma=2'],
  'blur approximate': ['blur:sigma=1.5,precision=approximate'],
  sharpen: ['sharpen'],
  median: ['median:radius=2'],
  'dilate, erode': ['dilate:radius=2', 'erode'],
  sobel: ['sobel'],
  'convolve integral / 16': ['convolve:matrix=1 2 1 2 4 2 1 2 1'],
  'convolve fractional': ['convolve:matrix=0.1 -0.2 0.1 0.2 0.9 0.2 0 0 0,offset=3.5'],
  emboss: ['emboss:strength=2.5'],
  'box-blur': ['box-blur:radius=3'],
};
const IMAGES = [{ name: 'rgb', alpha: false }, { name: 'rgba', alpha: true }];
const ROOT = path.resolve(import.meta.dirname, '..', '..');

describe('JavaScript kernels (TILEPIPE_SIMD=0) against the SIMD ones', () => {
  it('give the same pixels for every op with a SIMD kernel, with and without alpha', async () => {
    expect(simdAvailable()).toBe(true);
    const dir = tempDir();
    for (const img of IMAGES) writeFileSync(path.join(dir, `${img.name}.png`), await syntheticPng(101, 67, 3, img.alpha));
    // The same chains in a child process whose workers cannot use SIMD.
    const child = `
      import { createPipeline } from ${JSON.stringify(path.join(ROOT, 'dist', 'src', 'index.js'))};
      import { simdAvailable } from ${JSON.stringify(path.join(ROOT, 'dist', 'src', 'kernels', 'simd.js'))};
      if (simdAvailable()) throw new Error('SIMD still on');
      const chains = ${JSON.stringify(CHAINS)}, dir = ${JSON.stringify(dir)};
      const p = createPipeline({ workers: 1, tileSize: 32 });
      for (const img of ${JSON.stringify(IMAGES.map((i) => i.name))})
        for (const [name, ops] of Object.entries(chains)) await p.processFile(dir + '/' + img + '.png', dir + '/' + img + '-' + name + '-js.png', { ops });
      await p.close();`;
    execFileSync(process.execPath, ['--input-type=module', '-e', child], { env: { ...process.env, TILEPIPE_SIMD: '0' }, stdio: 'pipe' });
    const p = createPipeline({ workers: 1, tileSize: 32 });
    try {
      for (const img of IMAGES) {
        const input = readFileSync(path.join(dir, `${img.name}.png`));
        for (const [name, ops] of Object.entries(CHAINS)) {
          const simd = await p.processBuffer(input, { ops, format: 'png' });
          const js = readFileSync(path.join(dir, `${img.name}-${name}-js.png`));
          expect(await diffPixels(simd, js), `${name} on ${img.name}`).toBe(0);
          expect(await diffPixels(simd, input), `${name} changes ${img.name}`).toBeGreaterThan(0);
        }
      }
    } finally {
      await p.close();
    }
  }, 60_000);
});
