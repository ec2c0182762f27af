/**
 * Faults as users meet them, part 1: start-up and teardown races, inputs that would
 * hang a run (FIFOs, devices, link loops, slow SVGs, stuck decodes), memory bombs.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { createPipeline, ValidationError, type PipelineEvent } from '../../dist/src/index.js';
import { HOST_TAG } from '../../dist/src/io/atomic-write.js';
import { CLI, runCli } from '../cli-runner.js';
import { syntheticPng, tempDir, temps, tree } from '../fixtures.js';
import { ROOT, FAULTY, outputs, events, folder, slowSvg } from './faults-helpers.js';

describe('worker start-up and teardown', () => {
  it('the file piscina loads is CommonJS: it runs a tile with require(esm) switched off, so the racy require(esm) path is never taken', () => {
    const entry = path.join(ROOT, 'dist', 'src', 'exec', 'worker', 'tile-worker-entry.cjs');
    const script = `
      const m = require(${JSON.stringify(entry)});
      const rect = { x: 0, y: 0, width: 4, height: 4 };
      const buffer = new Uint8Array(64).fill(10).buffer;
      m.default({ steps: [{ name: 'invert', params: {}, radius: 0 }], keepPixels: true, hasAlpha: false, channels: 4, imageWidth: 4, imageHeight: 4, core: rect, input: rect, buffer, plugins: [] })
        .then((r) => { const v = r[Symbol.for('piscina.valueSymbol')] ?? r; console.log(JSON.stringify([...new Uint8Array(Object.values(r).find((x) => x && x.buffer) ?.buffer ?? new ArrayBuffer(0))].slice(0, 1))); });
    `;
    const res = spawnSync(process.execPath, ['--no-experimental-require-module', '-e', script], { encoding: 'utf8' });
    expect(res.stderr).not.toMatch(/ERR_REQUIRE_ESM|Error/);
    expect(res.status).toBe(0);
  });

  it('100 pools in one process, closed before, during and after their first tasks (tile and deflate): no crash', () => {
    const script = `
      import { TilePool } from ${JSON.stringify(path.join(ROOT, 'dist', 'src', 'exec', 'worker', 'pool.js'))};
      const rect = { x: 0, y: 0, width: 64, height: 64 };
      const tile = (name) => ({ steps: [{ name, params: {}, radius: 0 }], keepPixels: true, hasAlpha: false, channels: 4, imageWidth: 64, imageHeight: 64, core: rect, input: rect, buffer: new ArrayBuffer(64 * 64 * 4), plugins: [] });
      for (let i = 0; i < 100; i++) {
        const p = new TilePool({ workers: 2 });
        if (i % 3 === 0) { p.run(tile('invert')).catch(() => {}); await p.close(); }
        else if (i % 3 === 1) { await Promise.all([p.run(tile('invert')), p.run(tile('grayscale')), p.deflate({ pixels: new ArrayBuffer(24), pixelBytes: 4, width: 3, rows: 2, dictRows: 0, channels: 4, level: 6, last: true })]); await p.close(); }
        else await p.close();
      }
      console.log('done');
    `;
    const res = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 100_000 });
    expect(res.stderr).toBe('');
    expect(res.stdout.trim()).toBe('done');
    expect(res.status).toBe(0);
  });
});

describe('inputs that would hang a run', () => {
  it('a FIFO, a device, a symlink loop, a folder named like an image and an unsupported format each fail by name; the rest are written', async () => {
    const dir = tempDir();
    const input = path.join(dir, 'in');
    await folder(input, 2);
    execFileSync('mkfifo', [path.join(input, 'pipe.jpg')]);
    symlinkSync('/dev/zero', path.join(input, 'zero.jpg'));
    symlinkSync(input, path.join(input, 'loop')); // a cycle: in/loop -> in
    mkdirSync(path.join(input, 'album.png'));
    writeFileSync(path.join(input, 'scan.jp2'), Buffer.from([0, 0, 0, 12, 0x6a, 0x50, 0x20, 0x20, 13, 10, 0x87, 10]));
    const start = performance.now();
    const res = await runCli([input, '-o', path.join(dir, 'out'), '--follow-symlinks', '--json'], { timeoutMs: 30_000 });
    expect(performance.now() - start).toBeLessThan(20_000);
    expect(res.code).toBe(1);
    const failed = Object.fromEntries(events(res.stdout).filter((e) => e.status === 'failed').map((e) => [path.basename(String(e.input)), e.error]));
    expect(failed).toEqual({
      'pipe.jpg': `${path.join(input, 'pipe.jpg')}: not a regular file (a FIFO)`,
      'zero.jpg': `${path.join(input, 'zero.jpg')}: not a regular file (a character device)`,
      'album.png': `${path.join(input, 'album.png')}: not a regular file (a directory)`,
      'scan.jp2': expect.stringMatching(/scan\.jp2: unsupported format \(\.jp2\); tilepipe reads jpg/),
    });
    expect(outputs(path.join(dir, 'out'))).toEqual(['img-00.png', 'img-01.png']); // the loop was walked once
  });

  it('a FIFO given by name fails at once instead of blocking on open()', async () => {
    const dir = tempDir();
    execFileSync('mkfifo', [path.join(dir, 'x.jpg')]);
    const res = await runCli([path.join(dir, 'x.jpg'), '-o', path.join(dir, 'out')], { timeoutMs: 15_000 });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('x.jpg: not a regular file (a FIFO)');
  });

  it('--timeout covers decoding: a slow SVG fails "timed out ... while decoding" and the batch finishes (exit 1)', async () => {
    const dir = tempDir();
    const input = await folder(path.join(dir, 'in'), 2);
    writeFileSync(path.join(input, 'slow.svg'), slowSvg(1500));
    const start = performance.now();
    const res = await runCli([input, '-o', path.join(dir, 'out'), '--timeout', '300', '--json'], { timeoutMs: 30_000 });
    expect(res.code).toBe(1);
    const bad = events(res.stdout).find((e) => String(e.input).endsWith('slow.svg'))!;
    expect(bad.error).toBe(`${path.join(input, 'slow.svg')}: timed out after 300 ms while decoding`);
    expect(Number(bad.ms)).toBeLessThan(1500);
    expect(outputs(path.join(dir, 'out'))).toEqual(['img-00.png', 'img-01.png']);
    expect(performance.now() - start).toBeLessThan(10_000);
  });

  it('a decode that ignores its deadline for long does not keep the process alive: it ends itself after a grace period', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'slower.svg'), slowSvg(2500)); // ~16 s to render
    const start = performance.now();
    const res = await runCli([path.join(dir, 'slower.svg'), '-o', path.join(dir, 'out'), '--timeout', '300'], { timeoutMs: 30_000 });
    expect(performance.now() - start).toBeLessThan(10_000);
    expect(res.signal).toBe('SIGKILL');
    expect(res.stderr).toContain('slower.svg: timed out after 300 ms while decoding');
    expect(res.stderr).toContain('1 timed-out decode(s) still running in libvips; ending the process');
    expect(temps(path.join(dir, 'out'))).toEqual([]);
  });

  it('a second SIGINT ends the process at once, even while a decode is stuck', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'slower.svg'), slowSvg(2500));
    let t1 = 0;
    const res = await runCli([path.join(dir, 'slower.svg'), '-o', path.join(dir, 'out')], {
      timeoutMs: 30_000,
      onSpawn: (child) => {
        setTimeout(() => child.kill('SIGINT'), 700);
        setTimeout(() => { t1 = performance.now(); child.kill('SIGINT'); }, 1000);
      },
    });
    expect(performance.now() - t1).toBeLessThan(1000);
    expect(res.signal).toBe('SIGINT');
  });
});

describe('memory bombs', () => {
  it('a 1x1000 PNG resized to width 800 (enlarge=true) fails before decoding, naming the op and the size', async () => {
    const dir = tempDir();
    await sharp({ create: { width: 1, height: 1000, channels: 3, background: '#808080' } }).png().toFile(path.join(dir, 'thin.png'));
    const start = performance.now();
    const res = await runCli([path.join(dir, 'thin.png'), '-o', path.join(dir, 'out'), '--op', 'resize:width=800,enlarge=true']);
    expect(performance.now() - start).toBeLessThan(5_000);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('thin.png: resize would make the image 800x800000 (640 MP), over the pixel limit of 268402689 (limitInputPixels)');
  });

  it('images are admitted by the memory budget: with room for one, no two are decoded at once; with room for all, they overlap', async () => {
    const dir = tempDir();
    const input = await folder(path.join(dir, 'in'), 6, 400);
    const peak = async (maxMemoryMb: number): Promise<number> => {
      const p = createPipeline({ workers: 2, maxInFlight: 3, maxMemoryMb, cacheDir: false });
      let live = 0;
      let most = 0;
      try {
        const files = readdirSync(input).map((f) => ({ input: path.join(input, f), outputs: [{ path: path.join(dir, `o2-${maxMemoryMb}`, f), format: 'png' as const }] }));
        await p.processFiles(files, {
          ops: ['blur:sigma=2'],
          onEvent: (e: PipelineEvent) => {
            if (e.type === 'decoded') most = Math.max(most, ++live);
            if (e.type === 'released') live--;
          },
        });
      } finally {
        await p.close();
      }
      return most;
    };
    expect(await peak(1)).toBe(1); // each image (~2.2 MB estimated) is over a 1 MB budget: one at a time
    expect(await peak(1024)).toBeGreaterThan(1);
  });

  it('a plugin kernel that leaks fails its images with "worker out of memory"; the workers are replaced and the pipeline goes on', async () => {
    const dir = tempDir();
    const input = await folder(path.join(dir, 'in'), 3, 64);
    const p = createPipeline({ workers: 2, plugins: [FAULTY], workerMemoryMb: 100, cacheDir: false });
    try {
      const leaky = await p.run({ inputs: [input], outDir: path.join(dir, 'leaky'), ops: ['leak'] });
      expect(leaky.failed).toBeGreaterThanOrEqual(1);
      for (const f of leaky.files.filter((e) => e.status === 'failed')) expect(f.error).toMatch(/worker out of memory: it held more than 100 MB after a tile/);
      const fine = await p.run({ inputs: [input], outDir: path.join(dir, 'fine'), ops: ['invert'] });
      expect(fine).toMatchObject({ ok: 3, failed: 0 });
    } finally {
      await p.close();
    }
  });
});
