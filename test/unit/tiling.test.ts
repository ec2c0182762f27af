/**
 * Tiling invariance: every op, and a mixed chain, give byte-identical output
 * for any tile size and worker count, on odd-sized images with and without alpha.
 */
import { describe, expect, it } from 'vitest';
import { tilingInvariance, INVARIANCE_IMAGES } from '../invariance.js';
import { diffPixels } from '../fixtures.js';

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

describe('tiling invariance', () => {
  const t = tilingInvariance(CHAINS, TILE_SIZES, 7);

  it('the chain changes the pixels (the comparison is not vacuous)', async () => {
    const input = t.input(INVARIANCE_IMAGES[0].name);
    const p = t.pipeline(2, 16);
    const plain = await p.processBuffer(input, { ops: [], format: 'png' });
    for (const ops of Object.values(CHAINS).filter((c) => !c[0].startsWith('resize'))) {
      expect(await diffPixels(await p.processBuffer(input, { ops, format: 'png' }), plain), ops.join(' ')).toBeGreaterThan(0);
    }
  });
});
