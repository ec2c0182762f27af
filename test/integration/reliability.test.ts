/**
 * Reliability: bad inputs, dying workers, interrupts, write errors and
 * hostile paths, each handled cleanly with nothing lost. Spawns the CLI.
 */
import { describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { createPipeline } from '../../dist/src/index.js';
import { isRoot, NOBODY, runCli } from '../cli-runner.js';
import { syntheticPng, tempDir, temps, tree } from '../fixtures.js';

const FAULTY = path.join(import.meta.dirname, '..', 'fixtures', 'faulty-ops.mjs');



/** A PNG chunk with a correct CRC. */
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A valid-looking PNG header that claims 65536 × 65536 pixels (a decompression bomb). */
function bombPng(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(65536, 0);
  ihdr.writeUInt32BE(65536, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])), chunk('IEND', Buffer.alloc(0))]);
}

/** A minimal 2×2 24-bit BMP: a real image format libvips does not read. */
function bmp(): Buffer {
  const b = Buffer.alloc(54 + 16);
  b.write('BM', 0, 'latin1');
  b.writeUInt32LE(b.length, 2);
  b.writeUInt32LE(54, 10);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(2, 18);
  b.writeInt32LE(2, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(24, 28);
  return b;
}

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
