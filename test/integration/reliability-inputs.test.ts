/**
 * Reliability, part 1: bad inputs, animated and multi-page inputs, and dying workers,
 * each failing alone with a named reason. Spawns the CLI.
 */
import { describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { createPipeline } from '../../dist/src/index.js';
import { isRoot, NOBODY, runCli } from '../cli-runner.js';
import { syntheticPng, tempDir, temps, tree } from '../fixtures.js';
import { FAULTY, chunk, bombPng, bmp } from './reliability-helpers.js';

describe('bad inputs', () => {
  it('each bad file gets a one-line error naming it; good files are written; exit 1', async () => {
    const root = tempDir();
    const dir = path.join(root, 'in');
    const out = path.join(root, 'out');
    mkdirSync(dir);
    const png = await syntheticPng(40, 30, 1, false);
    const jpg = await sharp(png).jpeg().toBuffer();
    const gif = await sharp(png).gif().toBuffer();
    writeFileSync(path.join(dir, 'good.png'), png);
    writeFileSync(path.join(dir, 'good.jpg'), jpg);
    const bad: Record<string, Buffer | null> = {
      'zero.jpg': Buffer.alloc(0),
      'text.png': Buffer.from('this is not an image\n'),
      'truncated.jpg': jpg.subarray(0, jpg.length >> 1),
      'truncated.png': png.subarray(0, png.length >> 1),
      'truncated.gif': gif.subarray(0, gif.length >> 1),
      'bad-crc.png': Buffer.from(png).fill(0xff, 29, 33), // IHDR CRC overwritten
      'bomb.png': bombPng(),
      'unreadable.png': png,
      'folder.jpg': null, // a directory named like an image
    };
    for (const [name, data] of Object.entries(bad)) {
      if (data === null) mkdirSync(path.join(dir, name));
      else writeFileSync(path.join(dir, name), data);
    }
    chmodSync(path.join(dir, 'unreadable.png'), 0o000);
    const unsupported = path.join(root, 'legacy.bmp'); // given explicitly: directory walks only pick image extensions
    writeFileSync(unsupported, bmp());
    chmodSync(root, 0o777);
    const res = await runCli([dir, unsupported, '-o', out, '--op', 'blur', '-j', '2'], isRoot ? { user: NOBODY } : {});
    expect(res.code, res.stderr).toBe(1);
    const errors = res.stderr.split('\n').filter((l) => l.startsWith('error: '));
    for (const name of [...Object.keys(bad).map((n) => path.join(dir, n)), unsupported]) {
      const line = errors.find((l) => l.includes(name));
      expect(line, `no error line for ${name}:\n${res.stderr}`).toBeDefined();
    }
    expect(errors).toHaveLength(Object.keys(bad).length + 1);
    expect(errors.find((l) => l.includes('bomb.png'))).toMatch(/pixel limit/i);
    expect(errors.find((l) => l.includes('unreadable.png'))).toMatch(/EACCES|permission/i);
    expect(errors.find((l) => l.includes('folder.jpg'))).toMatch(/EISDIR|directory/i);
    expect(errors.find((l) => l.includes('legacy.bmp'))).toMatch(/unsupported/i);
    expect(tree(out).filter((f) => !f.startsWith('.tilepipe-manifest'))).toEqual(['good.jpg', 'good.png']);
  });

  it('a decompression bomb is refused before any large allocation (peak RSS < 300 MB)', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'bomb.png'), bombPng());
    const { execFileSync } = await import('node:child_process');
    const probe = `
      import { createPipeline } from ${JSON.stringify(path.resolve('dist/src/index.js'))};
      const p = createPipeline({ workers: 1 });
      const [r] = await p.processFiles([{ input: ${JSON.stringify(path.join(dir, 'bomb.png'))}, outputs: [{ path: ${JSON.stringify(path.join(dir, 'o.png'))}, format: 'png' }] }], { ops: ['blur'] });
      await p.close();
      console.log(JSON.stringify({ status: r.status, error: r.error, maxRssMb: process.resourceUsage().maxRSS / 1024 }));`;
    const result = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' }));
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/pixel limit/i);
    expect(result.maxRssMb).toBeLessThan(300);
  });

  it('a file deleted between listing and reading fails alone, named', async () => {
    const dir = tempDir();
    for (const [i, n] of ['a', 'b', 'c'].entries()) writeFileSync(path.join(dir, `${n}.png`), await syntheticPng(20, 20, i, false));
    const p = createPipeline({ workers: 1, cacheDir: false });
    const events: Array<{ input: string; status: string; error?: string }> = [];
    try {
      const summary = await p.run({
        inputs: [dir], outDir: path.join(dir, 'out'), ops: ['invert'],
        onPlan: () => unlinkSync(path.join(dir, 'b.png')),
        onProgress: (e) => events.push(e),
      });
      expect(summary).toMatchObject({ ok: 2, failed: 1 });
      expect(events.find((e) => e.status === 'failed')?.error).toMatch(new RegExp(`${path.join(dir, 'b.png')}: .*ENOENT`));
    } finally {
      await p.close();
    }
  });
});

describe('animated and multi-page inputs', () => {
  it('only the first frame is processed, with a warning; output is one frame of the frame size', async () => {
    const dir = tempDir();
    const frames = await Promise.all(['#ff0000', '#00ff00', '#0000ff'].map((c) => sharp({ create: { width: 20, height: 10, channels: 3, background: c } }).png().toBuffer()));
    writeFileSync(path.join(dir, 'anim.gif'), await sharp(frames, { join: { animated: true } }).gif().toBuffer());
    writeFileSync(path.join(dir, 'anim-webp.webp'), await sharp(frames, { join: { animated: true } }).webp({ lossless: true }).toBuffer());
    writeFileSync(path.join(dir, 'pages.tiff'), await sharp(frames, { join: { animated: true } }).tiff().toBuffer());
    const res = await runCli([dir, '-o', path.join(dir, 'out'), '--op', 'invert', '--format', 'png', '-j', '1']);
    expect(res.code, res.stderr).toBe(0);
    for (const name of ['anim', 'anim-webp', 'pages']) {
      const out = path.join(dir, 'out', `${name}.png`);
      const m = await sharp(out).metadata();
      expect([m.width, m.height, m.pages ?? 1]).toEqual([20, 10, 1]);
      const px = await sharp(out).raw().toBuffer();
      // The first frame (red), inverted; within 2 levels of the codecs' colour rounding.
      expect(Math.max(Math.abs(px[0] - 0), Math.abs(px[1] - 255), Math.abs(px[2] - 255)), name).toBeLessThanOrEqual(2);
    }
    expect(res.stderr).toMatch(/anim\.gif: 3 frames\/pages; only the first was processed/);
    expect(res.stderr).toMatch(/anim-webp\.webp: 3 frames\/pages/);
    expect(res.stderr).toMatch(/pages\.tiff: 3 frames\/pages/);
  });
});

describe('workers that die', () => {
  const setup = async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'wide.png'), await syntheticPng(90, 20, 1, false));
    for (const n of ['a', 'b', 'c', 'd']) writeFileSync(path.join(dir, `${n}.png`), await syntheticPng(30, 20, 2, false));
    return dir;
  };
  for (const [op, extra, reason] of [
    ['explode', [], /operation "explode" failed: image is 90 px wide/],
    ['quit', [], /worker stopped while running quit: .*exited with code: 3/],
    ['spin', ['--timeout', '1500'], /timed out after 1500 ms/],
  ] as const) {
    it(`${op}: fails only that image; the pool replaces the worker and the batch completes`, async () => {
      const dir = await setup();
      const out = path.join(dir, 'out');
      // One worker: the small images after the failure need a replacement worker.
      const res = await runCli([dir, '-o', out, '--plugin', FAULTY, '--op', `${op}:maxWidth=50`, '-j', '1', '--max-in-flight', '1', ...extra]);
      expect(res.code, res.stderr).toBe(1);
      expect(res.stderr).toMatch(reason);
      expect(res.stderr.split('\n').filter((l) => l.startsWith('error: '))).toEqual([expect.stringContaining(path.join(dir, 'wide.png'))]);
      expect(tree(out).filter((f) => f.endsWith('.png'))).toEqual(['a.png', 'b.png', 'c.png', 'd.png']);
      expect(temps(out)).toEqual([]);
    });
  }
});
