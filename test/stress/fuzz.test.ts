/**
 * Seeded fuzz: 500 random chains, with random (including invalid) parameters,
 * through the planner and the pipeline. Each either fails validation or runs
 * and gives an image of the size its geometry ops alone give; never a crash,
 * a hang or a wrong-size output.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { createPipeline, ValidationError, type OpDefinition, type ParamSpec, type Pipeline } from '../../dist/src/index.js';
import { rng, syntheticPng } from '../fixtures.js';

const CHAINS = 500;
const BATCHES = 5;

type Rand = () => number;
const pick = <T>(r: Rand, list: readonly T[]): T => list[Math.floor(r() * list.length)];

/** A random value for a spec: usually valid (kept small so images stay small), sometimes not. */
function value(r: Rand, spec: ParamSpec): unknown {
  if (r() < 0.08) return pick(r, ['abc', '', -1e9, 1e9, Number.NaN, '1,2', true]);
  switch (spec.type) {
    case 'number': {
      const hi = spec.integer ? Math.min(spec.max, spec.min + 40) : Math.min(spec.max, spec.min + 12);
      const v = spec.min + r() * (hi - spec.min);
      return spec.integer ? Math.round(v) : Math.round(v * 100) / 100;
    }
    case 'enum':
      return pick(r, spec.values);
    case 'boolean':
      return r() < 0.5;
    case 'numbers': {
      const n = pick(r, spec.lengths);
      const span = Math.min(spec.max - spec.min, 4);
      return Array.from({ length: n }, () => Math.round((spec.min + (spec.max - spec.min) / 2 - span / 2 + r() * span) * 10) / 10);
    }
  }
}

function randomChain(r: Rand, ops: readonly OpDefinition[]): Array<string | Record<string, unknown>> {
  const length = 1 + Math.floor(r() * 5);
  return Array.from({ length }, () => {
    if (r() < 0.03) return pick(r, ['blurr', 'nope:x=1', ':', 'blur:sigma']);
    const def = pick(r, ops);
    const params: Record<string, unknown> = { op: def.name };
    for (const [key, spec] of Object.entries(def.params)) if (r() < 0.6) params[key] = value(r, spec);
    if (r() < 0.03) params.bogus = 1;
    return params;
  });
}

describe('fuzz', () => {
  const pipelines: Pipeline[] = [];
  let ops: OpDefinition[] = [];
  let input: Buffer;
  beforeAll(async () => {
    for (const tileSize of [8, 16, undefined]) pipelines.push(createPipeline({ workers: 2, tileSize, timeout: 20_000 }));
    ops = (await pipelines[0].registry()).list();
    input = await syntheticPng(23, 17, 4, true);
  });
  afterAll(() => Promise.all(pipelines.map((p) => p.close())));

  for (let batch = 0; batch < BATCHES; batch++) {
    it(`chains ${batch * (CHAINS / BATCHES)}–${(batch + 1) * (CHAINS / BATCHES) - 1} run or fail validation, at the right size`, async () => {
      const r = rng(1000 + batch);
      let ran = 0;
      for (let i = 0; i < CHAINS / BATCHES; i++) {
        const chain = randomChain(r, ops);
        const p = pick(r, pipelines);
        const label = JSON.stringify(chain);
        let planned = true;
        try {
          await p.plan(chain as never);
        } catch (err) {
          expect(err, label).toBeInstanceOf(ValidationError);
          planned = false;
        }
        if (!planned) {
          await expect(p.processBuffer(input, { ops: chain as never }), label).rejects.toBeInstanceOf(ValidationError);
          continue;
        }
        const geometry = chain.filter((s) => typeof s === 'object' && ops.find((o) => o.name === s.op)?.kind === 'geometry');
        let expected: { width?: number; height?: number };
        try {
          expected = await sharp(await p.processBuffer(input, { ops: geometry as never, format: 'png' })).metadata();
        } catch (err) {
          // A region-dependent geometry failure (e.g. a crop outside the image) fails the image, clearly.
          expect((err as Error).message, label).toMatch(/crop|extract|region|outside|area/i);
          continue;
        }
        const out = await p.processBuffer(input, { ops: chain as never, format: 'png' });
        const m = await sharp(out).metadata();
        expect([m.width, m.height], label).toEqual([expected.width, expected.height]);
        ran++;
      }
      expect(ran).toBeGreaterThan(CHAINS / BATCHES / 3); // most chains are valid and really run
    });
  }
});
