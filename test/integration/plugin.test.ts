/** User kernels: plugins loaded into every worker by path, used in chains like built-ins. */
import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createPipeline } from '../../dist/src/index.js';
import { diffPixels, syntheticPng, tempDir } from '../fixtures.js';

const here = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const MY_OPS = path.join(here, 'fixtures', 'my-ops.mjs');
const FAULTY = path.join(here, 'fixtures', 'faulty-ops.mjs');
const CLI = path.join(here, '..', 'dist', 'bin', 'tilepipe.cjs');
const run = promisify(execFile);

describe('plugins', () => {
  const whole = createPipeline({ workers: 1, plugins: [MY_OPS] });
  const tiled = createPipeline({ workers: 2, tileSize: 16, plugins: [MY_OPS] });
  afterAll(() => Promise.all([whole.close(), tiled.close()]));

  it('a plugin point op computes its definition', async () => {
    const input = await sharp(Buffer.from([10, 100, 200, 250, 130, 128]), { raw: { width: 2, height: 1, channels: 3 } }).png().toBuffer();
    const out = await whole.processBuffer(input, { ops: ['solarize:threshold=128'], format: 'png' });
    expect([...(await sharp(out).raw().toBuffer())]).toEqual([10, 100, 55, 5, 125, 128]);
  });

  it('plugin ops run tile-parallel, identical to untiled, mixed with built-ins', async () => {
    const input = await syntheticPng(75, 53, 9, true);
    const ops = ['blur:sigma=1', 'outline', 'solarize:threshold=60', 'normalize'];
    const a = await whole.processBuffer(input, { ops, format: 'png' });
    const b = await tiled.processBuffer(input, { ops, format: 'png' });
    expect(await diffPixels(a, b)).toBe(0);
    expect(a.equals(b)).toBe(true);
    const plain = await whole.processBuffer(input, { ops: [], format: 'png' });
    expect(await diffPixels(a, plain)).toBeGreaterThan(0);
  });

  it('a kernel that throws fails that image only, naming the op', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'small.png'), await syntheticPng(20, 20, 1, false));
    writeFileSync(path.join(dir, 'wide.png'), await syntheticPng(90, 20, 1, false));
    const p = createPipeline({ workers: 2, plugins: [FAULTY] });
    try {
      const summary = await p.run({ inputs: [dir], outDir: path.join(dir, 'out'), ops: ['explode:maxWidth=50'] });
      expect(summary).toMatchObject({ ok: 1, failed: 1 });
      expect(existsSync(path.join(dir, 'out', 'small.png'))).toBe(true);
      expect(existsSync(path.join(dir, 'out', 'wide.png'))).toBe(false);
    } finally {
      await p.close();
    }
  });

  it('the CLI loads --plugin; a failing kernel gives exit 1 and a one-line error with the op name', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'a.png'), await syntheticPng(60, 40, 2, false));
    const ok = await run('node', [CLI, dir, '-o', path.join(dir, 'out'), '--plugin', MY_OPS, '--op', 'outline', '--op', 'solarize', '-j', '1'], { env: { ...process.env, CI: '1' } });
    expect(ok.stdout.trim()).toBe(path.join(dir, 'out', 'a.png'));
    const bad = await run('node', [CLI, dir, '-o', path.join(dir, 'out2'), '--plugin', FAULTY, '--op', 'explode', '-j', '1'], { env: { ...process.env, CI: '1' } }).catch((e) => e);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/a\.png: operation "explode" failed: image is 60 px wide/);
  });

  it('a plugin that cannot load is a usage error (exit 2) before any file is touched', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'a.png'), await syntheticPng(10, 10, 2, false));
    const missing = await run('node', [CLI, dir, '-o', path.join(dir, 'out'), '--plugin', path.join(dir, 'nope.mjs')]).catch((e) => e);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/plugin .*nope\.mjs: cannot load/);
    expect(existsSync(path.join(dir, 'out'))).toBe(false);
    const p = createPipeline({ workers: 1, plugins: [path.join(dir, 'nope.mjs')] }); // construction is synchronous
    await expect(p.plan(['blur'])).rejects.toThrow(/cannot load/);
    await expect(p.processBuffer(Buffer.alloc(0), { ops: [] })).rejects.toThrow(/cannot load/);
    await p.close();
  });
});
