/**
 * The neighbourhood ops (box-blur, convolve, median, dilate, erode, emboss,
 * pixelate): byte-identical output for any tile size and worker count, on
 * odd-sized images with and without alpha; and parameter validation.
 */
import { describe, expect, it } from 'vitest';
import { OpRegistry, ValidationError, createPipeline } from '../../dist/src/index.js';
import { resolveChain } from '../../dist/src/plan/chain.js';
import { tilingInvariance, INVARIANCE_IMAGES } from '../invariance.js';
import { diffPixels, syntheticPng } from '../fixtures.js';

const CHAINS: Record<string, string[]> = {
  'box-blur r1': ['box-blur'],
  'box-blur r7': ['box-blur:radius=7'],
  'box-blur r40 (halo > tile)': ['box-blur:radius=40'],
  'convolve 3x3 sharpen': ['convolve:matrix=0 -1 0 -1 5 -1 0 -1 0'],
  'convolve 3x3 edges, offset': ['convolve:matrix=-1;-1;-1;-1;8;-1;-1;-1;-1,offset=128'],
  'convolve 3x3 fractional': ['convolve:matrix=0.1 0.2 0.1 0.2 0.35 0.2 0.1 0.2 0.1,divisor=1.3,offset=-2.5'],
  'convolve 5x5 divisor': [`convolve:matrix=${Array.from({ length: 25 }, (_, i) => (i % 4) - 1).join(' ')},divisor=9,offset=20`],
  'convolve 7x7 box': [`convolve:matrix=${Array(49).fill(1).join(' ')}`],
  'median r1': ['median'],
  'median r3': ['median:radius=3'],
  'dilate r1': ['dilate'],
  'dilate r4': ['dilate:radius=4'],
  'erode r1': ['erode'],
  'erode r6': ['erode:radius=6'],
  emboss: ['emboss'],
  'emboss 2.5': ['emboss:strength=2.5'],
  'pixelate 8': ['pixelate'],
  'pixelate 13': ['pixelate:size=13'],
  'pixelate 100 (block > image)': ['pixelate:size=100'],
  mixed: ['pixelate:size=5', 'median:radius=2', 'dilate:radius=2', 'box-blur:radius=3', 'emboss', 'erode', 'convolve:matrix=1 2 1 2 4 2 1 2 1'],
};
const TILE_SIZES = [16, 37, 64];

describe('neighbourhood ops: tiling invariance', () => {
  const t = tilingInvariance(CHAINS, TILE_SIZES, 11);

  it('every chain changes the pixels (the comparison is not vacuous)', async () => {
    for (const img of INVARIANCE_IMAGES) {
      const input = t.input(img.name);
      const p = t.pipeline(2, 16);
      const plain = await p.processBuffer(input, { ops: [], format: 'png' });
      for (const ops of Object.values(CHAINS)) {
        expect(await diffPixels(await p.processBuffer(input, { ops, format: 'png' }), plain), `${ops.join(' ')} on ${img.name}`).toBeGreaterThan(0);
      }
    }
  });
});

describe('neighbourhood ops: validation', () => {
  const registry = new OpRegistry();
  const bad: Array<[string, RegExp]> = [
    ['box-blur:radius=0', /box-blur: parameter "radius" must be an integer in \[1, 100\], got "0"/],
    ['box-blur:radius=101', /box-blur: parameter "radius" must be an integer in \[1, 100\]/],
    ['box-blur:radius=2.5', /box-blur: parameter "radius" must be an integer in \[1, 100\]/],
    ['convolve', /convolve: parameter "matrix" is required \(a list of 9 or 25 or 49 or 81 or 121 or 169 or 225 numbers in \[-1000, 1000\]\)/],
    ['convolve:matrix=1 2 3 4 5 6 7 8', /convolve: parameter "matrix" must be a list of 9 or 25 .* numbers in \[-1000, 1000\]/],
    ['convolve:matrix=1 1 1 1 2000 1 1 1 1', /convolve: parameter "matrix" must be a list of .* numbers in \[-1000, 1000\]/],
    ['convolve:matrix=1 1 1 1 x 1 1 1 1', /convolve: parameter "matrix" must be a list of/],
    ['convolve:matrix=0 0 0 0 1 0 0 0 0,offset=300', /convolve: parameter "offset" must be a number in \[-255, 255\]/],
    ['convolve:matrix=0 0 0 0 1 0 0 0 0,divisor=2e6', /convolve: parameter "divisor" must be a number in \[-1000000, 1000000\]/],
    ['median:radius=8', /median: parameter "radius" must be an integer in \[1, 7\]/],
    ['median:radius=0', /median: parameter "radius" must be an integer in \[1, 7\]/],
    ['dilate:radius=51', /dilate: parameter "radius" must be an integer in \[1, 50\]/],
    ['erode:radius=0', /erode: parameter "radius" must be an integer in \[1, 50\]/],
    ['erode:width=2', /erode: unknown parameter "width"; valid: radius/],
    ['emboss:strength=11', /emboss: parameter "strength" must be a number in \[0, 10\]/],
    ['emboss:strength=-1', /emboss: parameter "strength" must be a number in \[0, 10\]/],
    ['pixelate:size=1', /pixelate: parameter "size" must be an integer in \[2, 256\]/],
    ['pixelate:size=257', /pixelate: parameter "size" must be an integer in \[2, 256\]/],
  ];
  for (const [spec, message] of bad) {
    it(`rejects ${spec}`, () => {
      expect(() => resolveChain([spec], registry)).toThrow(ValidationError);
      expect(() => resolveChain([spec], registry)).toThrow(message);
    });
  }

  it('applies defaults and declares the halo each op needs', () => {
    const chain = resolveChain(
      ['box-blur', 'median', 'dilate', 'erode', 'emboss', 'pixelate', 'convolve:matrix=' + Array(25).fill(1).join(';')],
      registry,
    );
    expect(chain.map((c) => c.params)).toEqual([
      { radius: 1 }, { radius: 1 }, { radius: 1 }, { radius: 1 }, { strength: 1 }, { size: 8 },
      { matrix: Array(25).fill(1), divisor: 0, offset: 0 },
    ]);
    expect(chain.map((c) => (c.def.kind === 'neighbourhood' ? c.def.radius(c.params as never) : -1))).toEqual([1, 1, 1, 1, 1, 7, 2]);
  });

  it('rejects a bad op in a pipeline call before any work', async () => {
    const p = createPipeline({ workers: 1 });
    try {
      const input = await syntheticPng(8, 8, 1, false);
      await expect(p.processBuffer(input, { ops: ['median:radius=9'] })).rejects.toThrow(/median: parameter "radius" must be an integer in \[1, 7\]/);
    } finally {
      await p.close();
    }
  });
});
