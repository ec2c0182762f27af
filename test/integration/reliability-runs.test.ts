/**
 * Reliability, part 2: interrupts, write errors and hostile paths, handled cleanly with
 * nothing lost. Spawns the CLI.
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

describe('interrupts', () => {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    it(`${sig} mid-run: clean stop, exit ${sig === 'SIGINT' ? 130 : 143}, no partial or temp file, correct resume`, async () => {
      const dir = tempDir();
      const input = path.join(dir, 'in');
      mkdirSync(input);
      const png = await syntheticPng(500, 380, 3, false);
      for (let i = 0; i < 40; i++) writeFileSync(path.join(input, `img-${String(i).padStart(2, '0')}.png`), png);
      const out = path.join(dir, 'out');
      const args = [input, '-o', out, '--op', 'blur:sigma=3', '--op', 'sharpen', '-j', '2', '--json'];
      const first = await runCli(args, {
        onSpawn(child, o) {
          const timer = setInterval(() => {
            if (o.stdout.split('\n').filter((l) => l.includes('"status":"ok"')).length >= 3) {
              clearInterval(timer);
              child.kill(sig);
            }
          }, 2);
        },
      });
      expect(first.code, first.stderr).toBe(sig === 'SIGINT' ? 130 : 143);
      const done = tree(out).filter((f) => f.endsWith('.png'));
      expect(done.length).toBeGreaterThanOrEqual(3);
      expect(done.length).toBeLessThan(40);
      expect(temps(out)).toEqual([]);
      const manifest = JSON.parse(readFileSync(path.join(out, '.tilepipe-manifest.json'), 'utf8')) as { outputs: Record<string, unknown> };
      expect(Object.keys(manifest.outputs).sort()).toEqual(done);
      for (const f of done) expect((await sharp(path.join(out, f)).metadata()).width).toBe(500); // complete files

      const second = await runCli(args);
      expect(second.code, second.stderr).toBe(0);
      const events = second.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; status: string });
      const files = events.filter((e) => e.type === 'file');
      expect(files.filter((e) => e.status === 'skipped')).toHaveLength(done.length);
      expect(files.filter((e) => e.status === 'ok')).toHaveLength(40 - done.length);
      expect(tree(out).filter((f) => f.endsWith('.png'))).toHaveLength(40);
      // The resumed outputs equal an uninterrupted run's, byte for byte.
      const clean = path.join(dir, 'clean');
      expect((await runCli([input, '-o', clean, ...args.slice(3)])).code).toBe(0);
      for (const f of tree(clean).filter((f) => f.endsWith('.png'))) {
        expect(readFileSync(path.join(out, f)).equals(readFileSync(path.join(clean, f))), f).toBe(true);
      }
    });
  }
});

describe('write errors', () => {
  it('a folder blocked by a file fails the files below it, each reported, no partial files', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'in', 'sub'), { recursive: true });
    writeFileSync(path.join(dir, 'in', 'top.png'), await syntheticPng(20, 20, 1, false));
    writeFileSync(path.join(dir, 'in', 'sub', 'a.png'), await syntheticPng(20, 20, 1, false));
    mkdirSync(path.join(dir, 'out'));
    writeFileSync(path.join(dir, 'out', 'sub'), 'a file where a folder should be');
    const res = await runCli([path.join(dir, 'in'), '-o', path.join(dir, 'out'), '--op', 'invert']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(new RegExp(`error: ${path.join(dir, 'in', 'sub', 'a.png')}: .*(EEXIST|ENOTDIR)`));
    expect(tree(path.join(dir, 'out')).filter((f) => !f.startsWith('.tilepipe-manifest'))).toEqual(['sub', 'top.png']);
  });

  it('a read-only out-dir: refused up front with the real cause, before any image is decoded, exit 2', async () => {
    const dir = tempDir();
    chmodSync(dir, 0o777);
    mkdirSync(path.join(dir, 'in'));
    for (const n of ['a', 'b']) writeFileSync(path.join(dir, 'in', `${n}.png`), await syntheticPng(20, 20, 1, false));
    mkdirSync(path.join(dir, 'out'), { mode: 0o555 });
    chmodSync(path.join(dir, 'out'), 0o555);
    const res = await runCli([path.join(dir, 'in'), '-o', path.join(dir, 'out'), '--op', 'invert', '--json'], isRoot ? { user: NOBODY } : {});
    expect(res.code).toBe(2);
    const lines = res.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`tilepipe: cannot write to the out-dir ${path.join(dir, 'out')}: permission denied (EACCES`);
    expect(res.stdout).toBe(''); // no file was processed
    expect(tree(path.join(dir, 'out'))).toEqual([]);
  });
});

describe('paths and overwrite safety', () => {
  it('a symlinked sub-folder of the out-dir cannot carry outputs outside it', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'in', 'sub'), { recursive: true });
    mkdirSync(path.join(dir, 'elsewhere'));
    mkdirSync(path.join(dir, 'out'));
    symlinkSync(path.join(dir, 'elsewhere'), path.join(dir, 'out', 'sub'));
    writeFileSync(path.join(dir, 'in', 'sub', 'a.png'), await syntheticPng(20, 20, 1, false));
    writeFileSync(path.join(dir, 'in', 'b.png'), await syntheticPng(20, 20, 1, false));
    const res = await runCli([path.join(dir, 'in'), '-o', path.join(dir, 'out')]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/a\.png: refusing to write outside the out-dir/);
    expect(readdirSync(path.join(dir, 'elsewhere'))).toEqual([]);
    expect(existsSync(path.join(dir, 'out', 'b.png'))).toBe(true);
  });

  it('an out-dir equal to the input folder never overwrites inputs; --in-place replaces them atomically', async () => {
    const dir = tempDir();
    const png = await syntheticPng(20, 20, 1, false);
    writeFileSync(path.join(dir, 'a.png'), png);
    const refused = await runCli([dir, '-o', dir, '--op', 'invert']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/would overwrite the input .*a\.png.*--in-place/);
    expect(readFileSync(path.join(dir, 'a.png')).equals(png)).toBe(true);

    // Another format into the same folder is fine, and a rerun does not take its own output as input.
    expect((await runCli([dir, '-o', dir, '--op', 'invert', '--format', 'webp'])).code).toBe(0);
    const rerun = await runCli([dir, '-o', dir, '--op', 'invert', '--format', 'webp', '--json']);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(JSON.parse(rerun.stdout.trim().split('\n').pop()!)).toMatchObject({ skipped: 1, ok: 0, failed: 0 });

    const fresh = tempDir();
    writeFileSync(path.join(fresh, 'a.png'), png);
    const inPlace = await runCli([fresh, '-o', fresh, '--op', 'invert', '--in-place']);
    expect(inPlace.code, inPlace.stderr).toBe(0);
    const before = await sharp(png).raw().toBuffer();
    const after = await sharp(path.join(fresh, 'a.png')).raw().toBuffer();
    expect(after[0]).toBe(255 - before[0]);
    expect(temps(fresh)).toEqual([]);
  });

  it('symbolic links in inputs are followed only with --follow-symlinks', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'in'));
    mkdirSync(path.join(dir, 'real', 'deep'), { recursive: true });
    const png = await syntheticPng(20, 20, 1, false);
    writeFileSync(path.join(dir, 'in', 'plain.png'), png);
    writeFileSync(path.join(dir, 'real', 'target.png'), png);
    writeFileSync(path.join(dir, 'real', 'deep', 'inner.png'), png);
    symlinkSync(path.join(dir, 'real', 'target.png'), path.join(dir, 'in', 'link.png'));
    symlinkSync(path.join(dir, 'real', 'deep'), path.join(dir, 'in', 'linked-dir'));
    const without = await runCli([path.join(dir, 'in'), '-o', path.join(dir, 'out1')]);
    expect(without.code).toBe(0);
    expect(tree(path.join(dir, 'out1')).filter((f) => f.endsWith('.png'))).toEqual(['plain.png']);
    const withLinks = await runCli([path.join(dir, 'in'), '-o', path.join(dir, 'out2'), '--follow-symlinks']);
    expect(withLinks.code).toBe(0);
    expect(tree(path.join(dir, 'out2')).filter((f) => f.endsWith('.png'))).toEqual(['link.png', path.join('linked-dir', 'inner.png'), 'plain.png']);
  });
});
