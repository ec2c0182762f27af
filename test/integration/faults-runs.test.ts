/**
 * Faults as users meet them, part 2: several writers into one out-dir, kill -9 and
 * reruns, outputs that changed, in-place reruns, closed pipes, collisions, library edges.
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
