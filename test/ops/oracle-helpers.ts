/** Shared by the oracle-*.test.ts files (split from one file): fixtures and helpers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp, { type Sharp } from 'sharp';
import { createPipeline, type Pipeline } from '../../dist/src/index.js';
import { rawRgba, rng } from '../fixtures.js';


export interface Diff { mean: number; max: number }

export const W = 101;
export const H = 67;

/** Opaque RGB: smooth gradients and waves plus noise (seeded). */
export function photoRgb(width: number, height: number, seed: number): Uint8Array {
  const r = rng(seed);
  const d = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        const v = 128 + 90 * Math.sin(x / (5 + 3 * c) + y / 9) + (r() - 0.5) * 100;
        d[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return d;
}

/** Mean and max |a − b| over R, G, B; `a` is RGBA (ours), `b` RGB (sharp). */
export function compare(a: Uint8Array, b: Uint8Array): Diff {
  expect(a.length / 4).toBe(b.length / 3);
  let sum = 0;
  let max = 0;
  for (let i = 0, j = 0; j < b.length; i += 4, j += 3) {
    for (let c = 0; c < 3; c++) {
      const d = Math.abs(a[i + c] - b[j + c]);
      sum += d;
      if (d > max) max = d;
    }
  }
  return { mean: sum / b.length, max };
}

export const report: string[] = [];
/** Records a difference that is reported but not held to the tolerance (definitions differ). */
export function note(name: string, d: Diff): void {
  report.push(`${name.padEnd(78)} mean ${d.mean.toFixed(4)}  max ${d.max}  (informative)`);
}
export function check(name: string, d: Diff): void {
  report.push(`${name.padEnd(78)} mean ${d.mean.toFixed(4)}  max ${d.max}`);
  expect(d.mean, `${name}: mean`).toBeLessThanOrEqual(0.5);
  expect(d.max, `${name}: max`).toBeLessThanOrEqual(2);
}
