/** `npm run bench -- --quick --json` runs end to end and reports the documented shape (no timing assertions). */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from './fixtures.js';

const run = promisify(execFile);

interface Point { workers: number; medianMs: number; minMs: number; maxMs: number; speedup: number; efficiency: number; peakRssMb: number }
interface Baseline { medianMs: number; minMs: number; maxMs: number; peakRssMb: number; chain: string }

describe('bench --quick', () => {
  it('emits one JSON object with machine, three workloads, per-worker runs, baselines, stages and a chart', async () => {
    const results = tempDir('tilepipe-bench-');
    const { stdout } = await run(process.execPath, ['dist/bench/run.js', '--quick', '--json', '--results', results], { maxBuffer: 1 << 26, timeout: 280_000 });
    const report = JSON.parse(stdout) as {
      machine: { cores: number; cpu: string; node: string; sharp: string };
      workloads: Array<{ name: string; runs: Point[]; baselines: Record<string, Baseline>; stages: Record<string, unknown> }>;
      chart: { svg: string; png: string };
    };
    expect(report.machine.cores).toBe(os.availableParallelism());
    expect(report.machine).toMatchObject({ node: process.versions.node, sharp: expect.any(String), cpu: expect.any(String) });
    expect(report.workloads.map((w) => w.name)).toEqual(['batch', 'big', 'custom']);
    for (const w of report.workloads) {
      expect(w.runs.map((r) => r.workers)).toEqual(Array.from({ length: report.machine.cores }, (_, i) => i + 1));
      for (const r of w.runs) {
        expect(r.medianMs).toBeGreaterThan(0);
        expect(r.minMs).toBeLessThanOrEqual(r.medianMs);
        expect(r.maxMs).toBeGreaterThanOrEqual(r.medianMs);
        expect(r.peakRssMb).toBeGreaterThan(0);
        expect(r.efficiency).toBeCloseTo(r.speedup / r.workers, 6);
      }
      expect(w.runs[0].speedup).toBe(1);
      for (const name of ['main-thread', 'sharp-tuned', 'sharp-default']) {
        expect(w.baselines[name], `${w.name} ${name}`).toMatchObject({ medianMs: expect.any(Number), chain: expect.any(String) });
      }
      expect(Object.keys(w.stages).length).toBeGreaterThan(0);
    }
    expect(report.workloads[0].baselines.jimp).toBeDefined(); // jimp runs for the batch workload
    expect(path.dirname(report.chart.svg)).toBe(results);
    expect(existsSync(report.chart.svg) && existsSync(report.chart.png)).toBe(true);
  }, 300_000);
});
