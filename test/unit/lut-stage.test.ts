/**
 * Stages of lookup-table ops only are applied in place by the coordinator, as
 * one fused table, without the worker pool: the pixels equal an independent
 * per-channel reference on RGB and RGBA images (alpha untouched), and no
 * tile is cut; a chain that also has a neighbourhood op still uses the pool.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, type Pipeline } from '../../dist/src/index.js';
import { rawRgba, syntheticPng } from '../fixtures.js';

let p: Pipeline;
beforeAll(() => {
  p = createPipeline({ workers: 2, cacheDir: false, tileSize: 64 });
});
afterAll(async () => {
  await p?.close();
});

describe('lookup-table stages', () => {
  it.each([false, true])('invert → posterize:levels=4 in place (alpha %s), equal to the per-channel reference, with no tiles', async (alpha) => {
    const input = await syntheticPng(301, 203, 7, alpha);
    const before = p.times().tiles;
    const out = await rawRgba(await p.processBuffer(input, { ops: ['invert', 'posterize:levels=4'], format: 'png' }));
    expect(p.times().tiles).toBe(before);
    const src = await rawRgba(input);
    const posterize = (v: number): number => Math.round(Math.round((v / 255) * 3) * (255 / 3));
    const want = Buffer.from(src.data.map((v, i) => (i % 4 === 3 ? v : posterize(255 - v))));
    expect(out.data.equals(want)).toBe(true);
  });

  it('a chain with a neighbourhood op runs its stage on the pool', async () => {
    const before = p.times().tiles;
    await p.processBuffer(await syntheticPng(301, 203, 8, false), { ops: ['invert', 'blur:sigma=1'], format: 'png' });
    expect(p.times().tiles).toBeGreaterThan(before);
  });
});
