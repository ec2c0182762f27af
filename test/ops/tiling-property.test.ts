/**
 * Seeded property test: for every registered op, random valid parameters,
 * alone and inside random chains, give byte-identical output for any tiling
 * and worker count (images of odd size, with and without alpha).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, type OpDefinition, type ParamSpec, type Pipeline } from '../../dist/src/index.js';
import { OpRegistry } from '../../dist/src/plan/registry.js';
import { diffPixels, rng, syntheticPng } from '../fixtures.js';

const DRAWS = 3;
type Rand = () => number;

/** A valid random value, kept moderate so halos and sizes stay small. */
function draw(r: Rand, spec: ParamSpec): unknown {
  switch (spec.type) {
    case 'number': {
      const hi = Math.min(spec.max, spec.integer ? spec.min + 12 : spec.min + 6);
      const v = spec.min + r() * (hi - spec.min);
      return spec.integer ? Math.round(v) : Math.round(v * 1000) / 1000;
    }
    case 'enum':
      return spec.values[Math.floor(r() * spec.values.length)];
    case 'boolean':
      return r() < 0.5;
    case 'numbers': {
      const n = spec.lengths[Math.floor(r() * spec.lengths.length)];
      const mid = (spec.min + spec.max) / 2;
      return Array.from({ length: n }, () => Math.round((mid + (r() - 0.5) * Math.min(4, spec.max - spec.min)) * 100) / 100);
    }
  }
}

/** Draws parameters until the op's own checks accept them (e.g. levels needs black < white). */
function drawParams(r: Rand, def: OpDefinition): Record<string, unknown> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const spec: Record<string, unknown> = { op: def.name };
    for (const [k, s] of Object.entries(def.params)) spec[k] = draw(r, s);
    try {
      def.check?.(spec as never);
      return spec;
    } catch {
      // draw again
    }
  }
  return { op: def.name };
}

describe('tiling invariance, seeded property test over every op', () => {
  const registry = new OpRegistry();
  const ops = registry.list();
  const reference = new Map<string, Pipeline>();
  const tiled: Pipeline[] = [];
  const inputs: Buffer[] = [];
  beforeAll(async () => {
    reference.set('whole', createPipeline({ workers: 1, tileSize: 1 << 16, cacheDir: false }));
    for (const [workers, tileSize] of [[2, 16], [1, 37], [2, 64]] as const) tiled.push(createPipeline({ workers, tileSize, cacheDir: false }));
    inputs.push(await syntheticPng(71, 45, 11, false), await syntheticPng(53, 67, 12, true));
  });
  afterAll(() => Promise.all([...reference.values(), ...tiled].map((p) => p.close())));

  for (const def of ops) {
    it(`${def.name}: ${DRAWS} random parameter draws, alone and in a chain`, async () => {
      const r = rng([...def.name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7));
      const whole = reference.get('whole')!;
      let compared = 0;
      for (let d = 0; d < DRAWS; d++) {
        const step = drawParams(r, def);
        const neighbour = ops[Math.floor(r() * ops.length)];
        const chains = [[step], [drawParams(r, neighbour), step, 'blur:sigma=0.8']];
        for (const ops of chains) {
          for (const input of inputs) {
            let expected: Buffer;
            try {
              expected = await whole.processBuffer(input, { ops: ops as never, format: 'png' });
            } catch (err) {
              // Only image-dependent geometry (a crop outside the image) may refuse.
              expect((err as Error).message).toMatch(/crop|extract|outside|area/i);
              continue;
            }
            for (const p of tiled) {
              const out = await p.processBuffer(input, { ops: ops as never, format: 'png' });
              const label = `${JSON.stringify(ops)} tile ${p.tileSize} workers ${p.workers}`;
              expect(await diffPixels(out, expected), label).toBe(0);
              expect(out.equals(expected), label).toBe(true);
              compared++;
            }
          }
        }
      }
      expect(compared).toBeGreaterThan(0);
    });
  }
});
