/**
 * The tiling-invariance harness shared by the op test files: every chain, on
 * odd-sized images with and without alpha, must give byte-identical PNGs (and
 * pixelmatch 0) for every tile size and for 1 and 2 workers, against one
 * whole-image tile on one worker. Call inside a `describe`.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPipeline, type Pipeline } from '../dist/src/index.js';
import { diffPixels, syntheticPng } from './fixtures.js';

/** The images every chain runs on. */
export const INVARIANCE_IMAGES = [
  { name: '97x61 rgb', width: 97, height: 61, alpha: false },
  { name: '83x77 rgba', width: 83, height: 77, alpha: true },
] as const;

/** A tile size larger than any test image: one whole-image tile. */
const WHOLE = 1 << 16;

/** Access to the harness's pipelines and inputs, for a file's own extra checks (valid inside tests). */
export interface Invariance {
  /** The pipeline with `workers` workers and `tileSize` tiles (e.g. 2 and 16). */
  pipeline(workers: number, tileSize: number): Pipeline;
  /** The encoded input image called `name` (one of {@link INVARIANCE_IMAGES}). */
  input(name: string): Buffer;
}

/** Registers one test per chain × image comparing every tiling against the whole-image reference. */
export function tilingInvariance(chains: Record<string, string[]>, tileSizes: readonly number[], seed: number): Invariance {
  const pipelines = new Map<string, Pipeline>();
  const inputs = new Map<string, Buffer>();
  beforeAll(async () => {
    for (const img of INVARIANCE_IMAGES) inputs.set(img.name, await syntheticPng(img.width, img.height, seed, img.alpha));
    for (const workers of [1, 2]) {
      for (const tileSize of [...tileSizes, WHOLE]) pipelines.set(`${workers}/${tileSize}`, createPipeline({ workers, tileSize, cacheDir: false }));
    }
  });
  afterAll(async () => {
    await Promise.all([...pipelines.values()].map((p) => p.close()));
  });
  for (const img of INVARIANCE_IMAGES) {
    for (const [name, ops] of Object.entries(chains)) {
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
  return {
    pipeline: (workers, tileSize) => pipelines.get(`${workers}/${tileSize}`)!,
    input: (name) => inputs.get(name)!,
  };
}
