/** Bounded run-ahead over many files; a bad file fails alone. */
import { describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createPipeline, type FileJob } from '../../dist/src/index.js';
import { syntheticPng, tempDir } from '../fixtures.js';

describe('batch', () => {
  it('with 50 inputs and an in-flight bound of 2, no more than 2 decoded images are alive at once', async () => {
    const dir = tempDir();
    const png = await syntheticPng(64, 48, 5, false);
    const jobs: FileJob[] = [];
    for (let i = 0; i < 50; i++) {
      const input = path.join(dir, `in-${i}.png`);
      writeFileSync(input, png);
      jobs.push({ input, outputs: [{ path: path.join(dir, 'out', `in-${i}.png`), format: 'png' }] });
    }
    const p = createPipeline({ workers: 2, maxInFlight: 2 });
    let alive = 0;
    let peak = 0;
    let decoded = 0;
    try {
      const results = await p.processFiles(jobs, {
        ops: ['blur:sigma=1.5', 'sobel'],
        onEvent(e) {
          if (e.type === 'decoded') { alive++; decoded++; peak = Math.max(peak, alive); }
          if (e.type === 'released') alive--;
        },
      });
      expect(results.filter((r) => r.status === 'ok')).toHaveLength(50);
    } finally {
      await p.close();
    }
    expect(decoded).toBe(50);
    expect(alive).toBe(0);
    expect(peak).toBe(2); // bounded, and reading does run ahead of writing
    for (const job of jobs) expect(existsSync(job.outputs[0].path)).toBe(true);
  });

  it('a corrupt file fails with a one-line error naming it; the others are written', async () => {
    const dir = tempDir();
    const good = await syntheticPng(32, 32, 6, false);
    const names = ['a.png', 'bad.png', 'c.png'];
    writeFileSync(path.join(dir, 'a.png'), good);
    writeFileSync(path.join(dir, 'bad.png'), good.subarray(0, 60)); // truncated
    writeFileSync(path.join(dir, 'c.png'), good);
    const p = createPipeline({ workers: 2 });
    try {
      const results = await p.processFiles(
        names.map((n) => ({ input: path.join(dir, n), outputs: [{ path: path.join(dir, 'out', n), format: 'png' as const }] })),
        { ops: ['invert'] },
      );
      const bad = results.find((r) => r.input.endsWith('bad.png'))!;
      expect(bad.status).toBe('failed');
      expect(bad.error).toContain(path.join(dir, 'bad.png'));
      expect(bad.error).not.toContain('\n');
      expect(results.filter((r) => r.status === 'ok')).toHaveLength(2);
      expect(existsSync(path.join(dir, 'out', 'a.png')) && existsSync(path.join(dir, 'out', 'c.png'))).toBe(true);
      expect(existsSync(path.join(dir, 'out', 'bad.png'))).toBe(false);
    } finally {
      await p.close();
    }
  });
});
