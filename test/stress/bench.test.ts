/**
 * The benchmark runs end to end (quick mode) and reports the documented JSON
 * shape. Timings are never asserted: they depend on the machine and its load.
 */
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IS_GLIBC } from '../fixtures.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/bench/run.js'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d; });
    child.stderr.on('data', (d: Buffer) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const positive = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v > 0;

describe('bench', () => {
  it('--quick --json reports machine, six workloads with runs at 1..N workers, baselines, stages, and writes the chart', async () => {
    const results = mkdtempSync(path.join(os.tmpdir(), 'tilepipe-bench-test-'));
    const { code, stdout, stderr } = await runBench(['--quick', '--json', '--results', results]);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout);

    expect(report.machine.cores).toBeGreaterThanOrEqual(1);
    expect(typeof report.machine.cpu).toBe('string');
    expect(report.machine.node).toBe(process.versions.node);
    expect(report.machine.sharp).toMatch(/^\d+\.\d+\.\d+/);
    expect(positive(report.machine.pageFaultMicros)).toBe(true);

    const N = report.settings.maxWorkers;
    // tilepipe's children tuned glibc's allocator (the helper is built by npm run build on glibc), and said so.
    if (IS_GLIBC && !process.env.MALLOC_ARENA_MAX && !process.env.GLIBC_TUNABLES) expect(report.settings.tilepipeMalloc).toEqual({ tuned: true });
    expect(N).toBe(os.availableParallelism());
    expect(report.workloads.map((w: { name: string }) => w.name)).toEqual(['batch', 'big', 'custom', 'photos', 'photos-fast', 'photos-resize']);
    // The command-line baselines run where their tools are installed (the bench says so when they are not).
    const installed = (tool: string): boolean => ['/usr/bin', '/usr/local/bin', '/bin', '/opt/homebrew/bin'].some((d) => existsSync(path.join(d, tool)));
    const tools = [...(installed('vips') ? ['vips-cli'] : []), ...(installed('mogrify') ? ['magick'] : [])];
    if (tools.length < 2) expect(stderr).toMatch(/not installed \(apt-get install (libvips-tools|imagemagick)\): its row is skipped/);
    for (const w of report.workloads) {
      expect(w.runs.map((r: { workers: number }) => r.workers)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
      for (const r of w.runs) {
        expect(positive(r.medianMs), `${w.name}@${r.workers} medianMs`).toBe(true);
        expect(r.medianMs).toBeGreaterThanOrEqual(r.minMs);
        expect(r.medianMs).toBeLessThanOrEqual(r.maxMs);
        expect(positive(r.speedup)).toBe(true);
        expect(r.efficiency).toBeCloseTo(r.speedup / r.workers, 10);
        expect(positive(r.peakRssMb)).toBe(true);
        // The work behind each point: CPU time per image, its kernel share, fresh pages touched.
        expect(positive(r.cpuMsPerImage), `${w.name}@${r.workers} cpuMsPerImage`).toBe(true);
        expect(r.systemShare).toBeGreaterThanOrEqual(0);
        expect(r.systemShare).toBeLessThanOrEqual(1);
        expect(positive(r.faultsPerImage), `${w.name}@${r.workers} faultsPerImage`).toBe(true);
        if (r.workers > 1) {
          // Each repetition's own speedup lies inside the envelope of the two points' min and max.
          const [lo, hi] = r.speedupRange;
          expect(lo).toBeLessThanOrEqual(hi);
          expect(lo).toBeGreaterThanOrEqual(w.runs[0].minMs / r.maxMs - 1e-9);
          expect(hi).toBeLessThanOrEqual(w.runs[0].maxMs / r.minMs + 1e-9);
        }
      }
      expect(w.runs[0].speedup).toBe(1);
      expect(w.runs[0].speedupRange).toBeUndefined();

      const base = ['main-thread', 'sharp-tuned', 'sharp-one-core', 'sharp-malloc', 'sharp-default'];
      const expected = w.name === 'batch' ? [...base, 'jimp'] : w.name === 'photos' ? [...base, 'sharp-like', ...tools] : base;
      expect(Object.keys(w.baselines).sort()).toEqual(expected.sort());
      for (const [name, b] of Object.entries<Record<string, number>>(w.baselines)) {
        expect(positive(b.medianMs), `${w.name} ${name}`).toBe(true);
        expect(b.medianMs).toBeGreaterThanOrEqual(b.minMs);
        expect(b.medianMs).toBeLessThanOrEqual(b.maxMs);
        expect(positive(b.peakRssMb)).toBe(true);
        expect(positive(b.cpuMsPerImage), `${w.name} ${name} cpuMsPerImage`).toBe(true);
        const last = w.runs[w.runs.length - 1];
        const [lo, hi] = b.oursNFasterRange as unknown as [number, number];
        expect(lo).toBeLessThanOrEqual(hi);
        expect(lo).toBeGreaterThanOrEqual(b.minMs / last.maxMs - 1e-9);
        expect(hi).toBeLessThanOrEqual(b.maxMs / last.minMs + 1e-9);
      }

      for (const n of new Set(['1', String(N)])) {
        const s = w.stages.workers[n];
        expect(s, `${w.name} stages at ${n}`).toBeDefined();
        const shares = Object.values<number>(s.share);
        expect(shares).toHaveLength(8);
        expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
        expect(s.mainThreadBusy).toBeGreaterThanOrEqual(0);
        expect(s.mainThreadBusy).toBeLessThanOrEqual(1);
      }
      expect(w.stages.amdahl.label).toBe('model, not a measurement');
      if (N >= 2) expect(Object.keys(w.stages.amdahl.projection)).toEqual(['4', '8', '16', '32']);
    }

    // Every target carries the spread of its ratio over the repetitions.
    expect(report.targets.length).toBeGreaterThan(5);
    for (const t of report.targets) {
      expect(t.range, t.what).toHaveLength(2);
      expect(t.range[0]).toBeLessThanOrEqual(t.range[1]);
    }
    // Each speedup target shows, for scale, sharp's own speedup on the same work, allocator tuned as ours: its time on one core ÷ on all.
    for (const name of ['batch', 'custom', 'photos', 'big']) {
      const t = report.targets.find((x: { what: string }) => x.what === `${name}: speedup at 2 workers`);
      const w = report.workloads.find((x: { name: string }) => x.name === name);
      expect(t.reference.value).toBeCloseTo(w.baselines['sharp-one-core'].medianMs / w.baselines['sharp-malloc'].medianMs, 9);
    }

    // Chart paths are relative to the working folder (no absolute paths in saved reports).
    expect(path.isAbsolute(report.chart.svg)).toBe(false);
    const svg = path.resolve(ROOT, report.chart.svg);
    expect(svg).toBe(path.join(results, 'speedup.svg'));
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>$/);
    if (report.chart.png !== null) expect(existsSync(path.resolve(ROOT, report.chart.png))).toBe(true);
  }, 300_000);

  it('fixed-costs.js times each command in fresh processes, without NODE_EXTRA_CA_CERTS unless --keep-env, and reports the targets', () => {
    const script = path.join(ROOT, 'dist/bench/fixed-costs.js');
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: path.join(os.tmpdir(), 'tilepipe-no-such-ca.pem') }; // Node only warns that it cannot load it
    const res = spawnSync(process.execPath, [script, '--rounds', '1'], { cwd: ROOT, env, encoding: 'utf8' });
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toContain('children without NODE_EXTRA_CA_CERTS');
    const rows = [...res.stdout.matchAll(/^\| ([^|]+) \| (\d+) \| (\d+)–(\d+) \|$/gm)].map((m) => m[1]);
    expect(rows).toEqual(['node -e 0', 'node -e 0, NODE_EXTRA_CA_CERTS set', 'tilepipe --version', 'sharp script: negate (photo)', 'tilepipe --op invert (photo)', 'tilepipe --op gamma (photo)', 'sharp script: negate (8×8)', 'tilepipe --op invert (8×8)']);
    expect(res.stdout).toMatch(/^\| `tilepipe --version` ≤ 80 ms \| \d+ ms \| (yes|no) \|$/m);
    expect(res.stdout).toMatch(/^\| one photo, `--op gamma` ≤ 1\.3× the sharp script \| [\d.]+× \(/m);
    const kept = spawnSync(process.execPath, [script, '--rounds', '1', '--keep-env'], { cwd: ROOT, env, encoding: 'utf8' });
    expect(kept.status, kept.stderr).toBe(0);
    expect(kept.stdout).toContain('environment as given');
    expect(kept.stdout).not.toContain('NODE_EXTRA_CA_CERTS set |');
  }, 120_000);
  it.runIf(process.platform === 'linux')('thread-states.js runs a workload and counts its samples by runnable threads', () => {
    const res = spawnSync(process.execPath, [path.join(ROOT, 'dist/bench/thread-states.js'), '--quick', '--workers', '2'], { cwd: ROOT, encoding: 'utf8' });
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^photos, 6 images, 2 workers: \d+ ms, [\d.]+ cores busy$/m);
    const counts = res.stdout.match(/^samples by runnable threads \(sampler excluded\): (.*) \(of (\d+)\)$/m);
    expect(counts).not.toBeNull();
    const total = counts![1].split(', ').reduce((sum, pair) => sum + Number(pair.split(': ')[1]), 0);
    expect(total).toBe(Number(counts![2]));
    expect(total).toBeGreaterThan(0);
    const short = Number(res.stdout.match(/^fewer than 2 runnable: (\d+) /m)![1]);
    expect(res.stdout.split('\n').filter((l) => /^  \d+ ms: [01] \(/.test(l))).toHaveLength(short);
    const bad = spawnSync(process.execPath, [path.join(ROOT, 'dist/bench/thread-states.js'), '--workload', 'nope'], { cwd: ROOT, encoding: 'utf8' });
    expect(bad.status).toBe(2);
  }, 120_000);
});
