/**
 * Faults as users meet them: start-up and teardown races, inputs that would
 * hang a run, memory bombs, several writers, kills and reruns, closed pipes.
 * Each test spawns the real CLI or drives the real library.
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

const ROOT = path.join(import.meta.dirname, '..', '..');
const FAULTY = path.join(import.meta.dirname, '..', 'fixtures', 'faulty-ops.mjs');


const outputs = (dir: string): string[] => tree(dir).filter((f) => !f.startsWith('.tilepipe-manifest'));
const events = (stdout: string): Array<Record<string, unknown>> => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

/** `n` distinct small PNGs in `dir`. */
async function folder(dir: string, n: number, size = 48): Promise<string> {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) writeFileSync(path.join(dir, `img-${String(i).padStart(2, '0')}.png`), await syntheticPng(size + i, size, i + 1, false));
  return dir;
}

/** An SVG whose filters take libvips about `seconds` to render on this machine's kind (1500 px: ~1.7 s, 2500 px: ~16 s). */
function slowSvg(px: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${px}" height="${px}"><filter id="f"><feTurbulence baseFrequency="0.01" numOctaves="10"/><feGaussianBlur stdDeviation="60"/></filter><rect width="${px}" height="${px}" filter="url(#f)"/></svg>`;
}

describe('worker start-up and teardown', () => {
  it('the file piscina loads is CommonJS: it runs a tile with require(esm) switched off, so the racy require(esm) path is never taken', () => {
    const entry = path.join(ROOT, 'dist', 'src', 'exec', 'worker', 'tile-worker-entry.cjs');
    const script = `
      const m = require(${JSON.stringify(entry)});
      const rect = { x: 0, y: 0, width: 4, height: 4 };
      const buffer = new Uint8Array(64).fill(10).buffer;
      m.default({ steps: [{ name: 'invert', params: {}, radius: 0 }], keepPixels: true, hasAlpha: false, imageWidth: 4, imageHeight: 4, core: rect, input: rect, buffer, plugins: [] })
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
      const tile = (name) => ({ steps: [{ name, params: {}, radius: 0 }], keepPixels: true, hasAlpha: false, imageWidth: 64, imageHeight: 64, core: rect, input: rect, buffer: new ArrayBuffer(64 * 64 * 4), plugins: [] });
      for (let i = 0; i < 100; i++) {
        const p = new TilePool({ workers: 2 });
        if (i % 3 === 0) { p.run(tile('invert')).catch(() => {}); await p.close(); }
        else if (i % 3 === 1) { await Promise.all([p.run(tile('invert')), p.run(tile('grayscale')), p.deflate({ rgba: new ArrayBuffer(24), width: 3, rows: 2, dictRows: 0, channels: 4, level: 6, last: true })]); await p.close(); }
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
  it('a 1x1000 PNG resized to width 800 fails before decoding, naming the op and the size', async () => {
    const dir = tempDir();
    await sharp({ create: { width: 1, height: 1000, channels: 3, background: '#808080' } }).png().toFile(path.join(dir, 'thin.png'));
    const start = performance.now();
    const res = await runCli([path.join(dir, 'thin.png'), '-o', path.join(dir, 'out'), '--op', 'resize:width=800']);
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

describe('the manifest with several writers, kills and reruns', () => {
  it('two CLI runs into one out-dir at once: every output of both is recorded', async () => {
    const dir = tempDir();
    const a = await folder(path.join(dir, 'a'), 25);
    const b = await folder(path.join(dir, 'b'), 25);
    const out = path.join(dir, 'out');
    const [ra, rb] = await Promise.all([
      runCli([a, '-o', out, '--name', 'a-{name}.{ext}', '--op', 'invert', '-j', '1']),
      runCli([b, '-o', out, '--name', 'b-{name}.{ext}', '--op', 'invert', '-j', '1']),
    ]);
    expect([ra.code, rb.code]).toEqual([0, 0]);
    const manifest = JSON.parse(readFileSync(path.join(out, '.tilepipe-manifest.json'), 'utf8')) as { outputs: Record<string, unknown> };
    expect(Object.keys(manifest.outputs)).toHaveLength(50);
    const again = await runCli([a, '-o', out, '--name', 'a-{name}.{ext}', '--op', 'invert', '--json']);
    expect(events(again.stdout).at(-1)).toMatchObject({ skipped: 25, ok: 0 });
  });

  it('two runs with different chains racing on the same outputs: a rerun never skips a file that holds the other chain\'s pixels', async () => {
    const dir = tempDir();
    const input = await folder(path.join(dir, 'in'), 20);
    const out = path.join(dir, 'out');
    const ref = path.join(dir, 'ref');
    expect((await runCli([input, '-o', ref, '--op', 'invert'])).code).toBe(0);
    await Promise.all([runCli([input, '-o', out, '--op', 'invert', '-j', '1']), runCli([input, '-o', out, '--op', 'grayscale', '-j', '1'])]);
    const rerun = await runCli([input, '-o', out, '--op', 'invert', '--json']);
    expect(rerun.code).toBe(0);
    for (const f of readdirSync(input)) expect(readFileSync(path.join(out, f)).equals(readFileSync(path.join(ref, f)))).toBe(true);
  });

  it('kill -9 mid-run: every output finished before the kill is skipped by the rerun, and dead runs\' temp files are swept', async () => {
    const dir = tempDir();
    const input = await folder(path.join(dir, 'in'), 40, 300);
    const out = path.join(dir, 'out');
    mkdirSync(out);
    const dead = path.join(out, `.img-00.png.tilepipe-tmp-${HOST_TAG}-999999999-abcdef01`); // a pid that cannot exist
    const alive = path.join(out, `.img-01.png.tilepipe-tmp-${HOST_TAG}-${process.pid}-abcdef02`); // this test's own pid
    writeFileSync(dead, 'partial');
    writeFileSync(alive, 'partial');
    let printed = 0;
    await runCli([input, '-o', out, '--op', 'blur:sigma=3', '-j', '1'], {
      onSpawn: (child, o) => {
        child.stdout!.on('data', () => {
          printed = o.stdout.trim().split('\n').length;
          if (printed >= 8) child.kill('SIGKILL');
        });
      },
    });
    expect(printed).toBeGreaterThanOrEqual(8);
    const rerun = await runCli([input, '-o', out, '--op', 'blur:sigma=3', '--json']);
    expect(rerun.code).toBe(0);
    const summary = events(rerun.stdout).at(-1)!;
    expect(summary.skipped).toBeGreaterThanOrEqual(8); // nothing that was finished is redone
    expect(Number(summary.skipped) + Number(summary.ok)).toBe(40);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(alive)).toBe(true);
    expect(temps(out)).toEqual([path.basename(alive)]);
  });

  it('an out-dir inside the input folder: outputs are never taken as inputs, with or without a manifest, after a kill too', async () => {
    const dir = tempDir();
    const input = await folder(path.join(dir, 'in'), 5);
    const out = path.join(input, 'out');
    expect((await runCli([input, '-o', out, '--op', 'invert', '--format', 'webp'])).code).toBe(0);
    for (const f of tree(out).filter((f) => f.startsWith('.tilepipe-manifest'))) execFileSync('rm', ['-rf', path.join(out, f.split('/')[0])]);
    const again = await runCli([input, '-o', out, '--op', 'invert', '--format', 'webp', '--json']);
    expect(again.code).toBe(0);
    expect(events(again.stdout).filter((e) => e.type === 'file')).toHaveLength(5);
    expect(outputs(out)).toEqual(['img-00.webp', 'img-01.webp', 'img-02.webp', 'img-03.webp', 'img-04.webp']);
  });

  it('an output that was truncated or replaced is redone, not skipped on trust', async () => {
    const dir = tempDir();
    const input = await folder(path.join(dir, 'in'), 3);
    const out = path.join(dir, 'out');
    expect((await runCli([input, '-o', out, '--op', 'invert'])).code).toBe(0);
    const good = readFileSync(path.join(out, 'img-01.png'));
    truncateSync(path.join(out, 'img-01.png'), 0);
    writeFileSync(path.join(out, 'img-02.png'), 'not what tilepipe wrote');
    const rerun = await runCli([input, '-o', out, '--op', 'invert', '--json']);
    const byName = Object.fromEntries(events(rerun.stdout).filter((e) => e.type === 'file').map((e) => [path.basename(String(e.input)), e.status]));
    expect(byName).toEqual({ 'img-00.png': 'skipped', 'img-01.png': 'ok', 'img-02.png': 'ok' });
    expect(readFileSync(path.join(out, 'img-01.png')).equals(good)).toBe(true);
  });

  it('--in-place is idempotent: a rerun skips files already done instead of applying the chain again', async () => {
    const dir = tempDir();
    const input = await folder(path.join(dir, 'in'), 2);
    const ref = path.join(dir, 'ref');
    expect((await runCli([input, '-o', ref, '--op', 'invert'])).code).toBe(0);
    expect((await runCli([input, '-o', input, '--in-place', '--op', 'invert'])).code).toBe(0);
    const rerun = await runCli([input, '-o', input, '--in-place', '--op', 'invert', '--json']);
    expect(events(rerun.stdout).at(-1)).toMatchObject({ skipped: 2, ok: 0 });
    for (const f of ['img-00.png', 'img-01.png']) expect(readFileSync(path.join(input, f)).equals(readFileSync(path.join(ref, f)))).toBe(true);
  });
});

describe('smaller defects', () => {
  it('| head -1: the run stops quietly with exit 141, no EPIPE and no temp file', async () => {
    const dir = tempDir();
    const input = await folder(path.join(dir, 'in'), 30, 200);
    const out = path.join(dir, 'out');
    const res = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, input, '-o', out, '--op', 'blur:sigma=2', '--quiet'], { env: { ...process.env, CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.stdout.once('data', () => child.stdout.destroy());
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(res.code).toBe(141);
    expect(res.stderr).toBe('');
    expect(temps(out)).toEqual([]);
  });

  it('the same file listed twice, or a folder and a file inside it, is processed once', async () => {
    const dir = tempDir();
    const input = await folder(path.join(dir, 'in'), 2);
    const one = path.join(input, 'img-00.png');
    const res = await runCli([one, one, input, '-o', path.join(dir, 'out'), '--json']);
    expect(res.code).toBe(0);
    expect(events(res.stdout).filter((e) => e.type === 'file')).toHaveLength(2);
  });

  it('a real collision is refused with a suggested fix, and {srcext} resolves it', async () => {
    const dir = tempDir();
    const input = path.join(dir, 'in');
    mkdirSync(input);
    copyFileSync(path.join(ROOT, 'test-images', 'photo-gradient-640x480.jpg'), path.join(input, 'a.jpg'));
    await sharp(path.join(input, 'a.jpg')).webp().toFile(path.join(input, 'a.webp'));
    const clash = await runCli([input, '-o', path.join(dir, 'out'), '--format', 'png']);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain("would both write");
    expect(clash.stderr).toContain("--name '{dir}/{name}-{srcext}.{ext}'");
    const fixed = await runCli([input, '-o', path.join(dir, 'out'), '--format', 'png', '--name', '{dir}/{name}-{srcext}.{ext}']);
    expect(fixed.code).toBe(0);
    expect(outputs(path.join(dir, 'out'))).toEqual(['a-jpg.png', 'a-webp.png']);
  });

  it('processBuffer takes bytes only, and rejects with the abort signal\'s own reason (also for a resize-only chain)', async () => {
    const p = createPipeline({ workers: 1, cacheDir: false });
    try {
      await expect(p.processBuffer('/etc/passwd' as never)).rejects.toThrow(ValidationError);
      const png = await syntheticPng(64, 64, 1, false);
      const reason = new Error('x');
      const ac = new AbortController();
      ac.abort(reason);
      await expect(p.processBuffer(png, { ops: ['resize:width=32'], signal: ac.signal })).rejects.toBe(reason);
      const late = new AbortController();
      const work = p.processBuffer(await syntheticPng(2000, 2000, 2, false), { ops: ['blur:sigma=8'], signal: late.signal });
      setTimeout(() => late.abort(reason), 50);
      await expect(work).rejects.toBe(reason);
    } finally {
      await p.close();
    }
  });
});
