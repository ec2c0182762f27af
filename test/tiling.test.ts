/**
 * Tiling invariance: every op, and a mixed chain, give byte-identical output
 * for any tile size and worker count, on odd-sized images with and without alpha.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, type Pipeline } from '../dist/src/index.js';
import { diffPixels, syntheticPng } from './fixtures.js';

const CHAINS: Record<string, string[]> = {
  grayscale: ['grayscale'],
  invert: ['invert'],
  gamma: ['gamma:gamma=1.8'],
  blur: ['blur:sigma=2'],
  'blur small': ['blur:sigma=0.6'],
  sharpen: ['sharpen:sigma=1.5,amount=2,threshold=3'],
  sobel: ['sobel'],
  normalize: ['normalize'],
  'normalize percentiles': ['normalize:lower=2,upper=98'],
  resize: ['resize:width=61'],
  mixed: ['resize:width=90', 'blur:sigma=1.2', 'grayscale', 'sobel', 'normalize'],
  'repeats and order': ['sobel', 'invert', 'blur:sigma=1', 'gamma:gamma=0.7', 'normalize', 'blur:sigma=1', 'sharpen'],
};
const TILE_SIZES = [16, 37, 64, 256];
const WHOLE = 1 << 16;
const IMAGES = [
  { name: '97x61 rgb', width: 97, height: 61, alpha: false },
  { name: '83x77 rgba', width: 83, height: 77, alpha: true },
];

describe('tiling invariance', () => {
  const pipelines = new Map<string, Pipeline>();
  const inputs = new Map<string, Buffer>();
  beforeAll(async () => {
    for (const img of IMAGES) inputs.set(img.name, await syntheticPng(img.width, img.height, 7, img.alpha));
    for (const workers of [1, 2]) {
      for (const tileSize of [...TILE_SIZES, WHOLE]) pipelines.set(`${workers}/${tileSize}`, createPipeline({ workers, tileSize }));
    }
  });
  afterAll(async () => {
    await Promise.all([...pipelines.values()].map((p) => p.close()));
  });

  for (const img of IMAGES) {
    for (const [name, ops] of Object.entries(CHAINS)) {
      it(`${name} on ${img.name}`, async () => {
        const input = inputs.get(img.name)!;
        const reference = await pipelines.get(`1/${WHOLE}`)!.processBuffer(input, { ops, format: 'png' });
        for (const [key, p] of pipelines) {
          const out = await p.processBuffer(input, { ops, format: 'png' });
          expect(await diffPixels(out, reference), `workers/tile ${key}`).toBe(0);
          expect(out.equals(reference), `bytes, workers/tile ${key}`).toBe(true);
        }
      });
    }
  }

  it('the chain changes the pixels (the comparison is not vacuous)', async () => {
    const input = inputs.get(IMAGES[0].name)!;
    const p = pipelines.get(`2/16`)!;
    const plain = await p.processBuffer(input, { ops: [], format: 'png' });
    for (const ops of Object.values(CHAINS).filter((c) => !c[0].startsWith('resize'))) {
      expect(await diffPixels(await p.processBuffer(input, { ops, format: 'png' }), plain), ops.join(' ')).toBeGreaterThan(0);
    }
  });
});
