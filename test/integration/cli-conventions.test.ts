/**
 * What users of image CLIs expect (issue "CLI conventions"): `tilepipe info`,
 * `--ignore` (config discovery: cli-config.test.ts), strict op parameters, resize that never
 * enlarges unless asked, typed errors, and a progress line that fits the
 * terminal (under a real pseudo-terminal, via `script`).
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { CLI, lines, outputsOf, size, tempDir, tilepipe, writeJpeg, writePng } from './cli-helpers.js';
import { slowSvg } from './faults-helpers.js';
import { EncodeError, InputError, TimeoutError, ValidationError, createPipeline, inspectFile } from '../../dist/src/index.js';

const run = promisify(execFile);

describe('tilepipe info', () => {
  it('prints each image\'s header facts (text and --json), names a broken file on stderr, and exits 1 for it', async () => {
    const root = tempDir('tilepipe-info-');
    const dir = path.join(root, 'in');
    mkdirSync(dir);
    const raw = Buffer.alloc(30 * 20 * 3, 128);
    await sharp(raw, { raw: { width: 30, height: 20, channels: 3 } }).jpeg().withMetadata({ orientation: 6 }).toFile(path.join(dir, 'turned.jpg'));
    await writePng(path.join(dir, 'alpha.png'), 16, 12, 3, true);
    await sharp(raw, { raw: { width: 30, height: 20, channels: 3 } }).withIccProfile('p3').png().toFile(path.join(dir, 'p3.png'));
    writeFileSync(path.join(dir, 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3]));

    const text = await tilepipe(['info', 'in'], root);
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(/^tilepipe: in\/broken\.jpg: .+$/m);
    const byName = Object.fromEntries(lines(text.stdout).map((l) => [l.split(/\s+/)[0], l]));
    expect(Object.keys(byName).sort()).toEqual(['in/alpha.png', 'in/p3.png', 'in/turned.jpg']);
    // (sharp's withMetadata, which wrote the orientation, also embeds its sRGB profile.)
    expect(byName['in/turned.jpg']).toMatch(/^in\/turned\.jpg {2}jpeg {2}20×30 \(0\.0 MP\) {2}3 channels {2}srgb {2}uchar {2}orientation 6 {2}ICC "sRGB" {2}1 frame {2}[\d.]+ KB$/);
    expect(byName['in/alpha.png']).toContain('4 channels with alpha');
    expect(byName['in/alpha.png']).toContain('no ICC');
    expect(byName['in/p3.png']).toMatch(/ICC "[^"]*P3[^"]*"/);

    const json = await tilepipe(['info', '--json', 'in/turned.jpg', 'in/p3.png'], root);
    expect(json.code).toBe(0);
    const [turned, p3] = lines(json.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(turned).toMatchObject({ path: 'in/turned.jpg', format: 'jpeg', width: 20, height: 30, pixels: 600, channels: 3, hasAlpha: false, space: 'srgb', depth: 'uchar', orientation: 6, frames: 1 });
    expect(turned.icc).toBe('sRGB');
    expect(p3.icc).toMatch(/P3/);
    // --ignore leaves inputs out, as for a run: without the broken file, exit 0.
    const ignored = await tilepipe(['info', 'in', '--ignore', 'broken.*', '--ignore', 'in/p3.png'], root);
    expect(ignored.code).toBe(0);
    expect(lines(ignored.stdout).map((l) => l.split(/\s+/)[0]).sort()).toEqual(['in/alpha.png', 'in/turned.jpg']);
    // The library gives the same facts.
    expect(await inspectFile(path.join(dir, 'turned.jpg'))).toMatchObject({ width: 20, height: 30, orientation: 6 });
  });
});

describe('inputs: --ignore', () => {
  it('--ignore leaves out matching files (by path below the input folder, or by name), and "ignore" works in a discovered config', async () => {
    const root = tempDir('tilepipe-ignore-');
    for (const f of ['in/a.jpg', 'in/drafts/b.jpg', 'in/c.tmp.jpg', 'in/deep/d.tmp.jpg']) {
      mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      await writeJpeg(path.join(root, f), 24, 16, f.length);
    }
    const flags = await tilepipe(['in', '-o', 'out', '-j', '1', '--ignore', 'drafts/**', '--ignore', '*.tmp.jpg'], root);
    expect(flags.code).toBe(0);
    expect(outputsOf(path.join(root, 'out'))).toEqual(['a.jpg']);

    writeFileSync(path.join(root, 'tilepipe.config.json'), JSON.stringify({ ignore: ['drafts/**'], outDir: 'out2', formats: ['png'] }));
    const discovered = await tilepipe(['in', '-j', '1'], root);
    expect(discovered.code).toBe(0);
    expect(outputsOf(path.join(root, 'out2')).sort()).toEqual(['a.png', 'c.tmp.png', 'deep/d.tmp.png']);
  });
});

describe('op parameters and resize defaults', () => {
  it('a parameter given twice, or a number that is not plain decimal, is a usage error', async () => {
    const root = tempDir('tilepipe-params-');
    await writeJpeg(path.join(root, 'in', 'a.jpg'), 24, 16, 1);
    for (const [op, message] of [
      ['blur:sigma=2,sigma=3', 'blur: parameter "sigma" is given twice in "blur:sigma=2,sigma=3"'],
      ['blur:sigma=0x10', 'blur: parameter "sigma" must be a number in [0.3, 100], got "0x10"'],
      ['blur:sigma=Infinity', 'must be a number in [0.3, 100], got "Infinity"'],
      ['resize:width=1e2x', 'got "1e2x"'],
    ]) {
      const res = await tilepipe(['in', '-o', 'out', '--op', op], root);
      expect(res.code, op).toBe(2);
      expect(res.stderr, op).toContain(message);
    }
    expect((await tilepipe(['in', '-o', 'out', '-j', '1', '--op', 'resize:width=1e1'], root)).code).toBe(0);
    expect(await size(path.join(root, 'out', 'a.jpg'))).toEqual([10, 7]);
  });

  it('resize never enlarges unless enlarge=true; fit=contain takes background and position', async () => {
    const root = tempDir('tilepipe-resize-');
    await writePng(path.join(root, 'in', 'small.png'), 40, 30, 2);
    expect((await tilepipe(['in', '-o', 'keep', '-j', '1', '--op', 'resize:width=640'], root)).code).toBe(0);
    expect(await size(path.join(root, 'keep', 'small.png'))).toEqual([40, 30]);
    expect((await tilepipe(['in', '-o', 'big', '-j', '1', '--op', 'resize:width=640,enlarge=true'], root)).code).toBe(0);
    expect(await size(path.join(root, 'big', 'small.png'))).toEqual([640, 480]);
    // 40×30 into 20×20, contained: 20×15 of image, with red bars of 5 rows (centre: 2 + 3; north: all 5 below).
    const bars = async (position: string): Promise<[number, number]> => {
      const out = `contain-${position}`;
      expect((await tilepipe(['in', '-o', out, '-j', '1', '--op', `resize:width=20,height=20,fit=contain,background=255 0 0,position=${position}`], root)).code).toBe(0);
      const { data, info } = await sharp(path.join(root, out, 'small.png')).raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height]).toEqual([20, 20]);
      const red = (y: number) => data[y * 20 * info.channels] === 255 && data[y * 20 * info.channels + 1] === 0 && data[y * 20 * info.channels + 2] === 0;
      let top = 0;
      while (top < 20 && red(top)) top++;
      let bottom = 0;
      while (bottom < 20 && red(19 - bottom)) bottom++;
      return [top, bottom];
    };
    expect(await bars('centre')).toEqual([2, 3]);
    expect(await bars('north')).toEqual([0, 5]);
  });
});

describe('typed errors', () => {
  it('InputError, EncodeError and TimeoutError carry stable codes; ValidationError too', async () => {
    const root = tempDir('tilepipe-errors-');
    const p = createPipeline({ workers: 1, cacheDir: false });
    try {
      const missing = await p.processFile(path.join(root, 'nope.jpg'), path.join(root, 'out.png')).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(InputError);
      expect(missing).toMatchObject({ code: 'ERR_TILEPIPE_INPUT', cause: { code: 'ENOENT' } });
      const garbage = await p.processBuffer(Buffer.from('not an image at all')).catch((e: unknown) => e);
      expect(garbage).toBeInstanceOf(InputError);
      // WebP cannot hold more than 16383 pixels a side: the encoder refuses.
      const wide = await sharp({ create: { width: 17000, height: 2, channels: 3, background: '#777' } }).png().toBuffer();
      const tooWide = await p.processBuffer(wide, { format: 'webp' }).catch((e: unknown) => e);
      expect(tooWide).toBeInstanceOf(EncodeError);
      expect((tooWide as EncodeError).code).toBe('ERR_TILEPIPE_ENCODE');
      const badOp = await p.processBuffer(wide, { ops: ['blurr'] }).catch((e: unknown) => e);
      expect(badOp).toBeInstanceOf(ValidationError);
      expect((badOp as ValidationError).code).toBe('ERR_TILEPIPE_VALIDATION');
    } finally {
      await p.close();
    }
    const slow = createPipeline({ workers: 1, cacheDir: false, timeout: 200 });
    try {
      const timedOut = await slow.processBuffer(Buffer.from(slowSvg(1200))).catch((e: unknown) => e);
      expect(timedOut).toBeInstanceOf(TimeoutError);
      expect(timedOut).toMatchObject({ code: 'ERR_TILEPIPE_TIMEOUT', message: expect.stringMatching(/^timed out after 200 ms/) });
    } finally {
      await slow.close();
    }
  }, 30_000);
});

describe('progress on a terminal', () => {
  // `script` gives the CLI a real pseudo-terminal; stdout (the output paths) goes to /dev/null.
  const underTty = async (root: string, columns: number): Promise<string> => {
    const cmd = `stty cols ${columns} rows 30; ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} in -o out-${columns} -j 1 --op median:radius=6 > /dev/null`;
    const { stdout } = await run('script', ['-qec', cmd, '/dev/null'], { cwd: root, env: { ...process.env, CI: '' }, maxBuffer: 16 << 20, timeout: 60_000 });
    return stdout;
  };

  it('redraws on a timer, fits 40 and 120 columns without wrapping, and shows files, ETA and the last file', async () => {
    const root = tempDir('tilepipe-progress-');
    for (let i = 0; i < 16; i++) await writeJpeg(path.join(root, 'in', `photo-with-a-long-name-${i}.jpg`), 320, 240, i);
    for (const columns of [40, 120]) {
      const out = await underTty(root, columns);
      const plain = out.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
      // Every redraw starts with \r; none is wider than the terminal, so nothing wraps into stale lines.
      const draws = plain.split(/[\r\n]/).filter((s) => /\d+\/16/.test(s));
      expect(draws.length, `${columns} columns: redraws`).toBeGreaterThan(2);
      for (const d of draws) expect(d.length, d).toBeLessThan(columns);
      expect(draws.some((d) => d.includes('ETA')), `${columns}: ETA`).toBe(true);
      if (columns === 120) expect(draws.some((d) => /\[[#.]+\] \d+\/16 {2}ETA \d+:\d\d {2}[\d.]+ img\/s {2}[\d.]+ MP\/s {2}photo-with-a-long-name-\d+\.jpg/.test(d))).toBe(true);
      // Besides the redraws, the run writes only its summary.
      expect(plain.split(/[\r\n]/).filter((s) => s.trim() !== '' && !/\d+\/16/.test(s))).toEqual([expect.stringMatching(/^tilepipe: 16 ok/)]);
    }
  }, 120_000);
});

describe('standard input and output', () => {
  /** Runs a shell line as a user would type it; resolves with the exit code and stderr. */
  const sh = (line: string, cwd: string): Promise<{ code: number; stderr: string }> =>
    new Promise((resolve) => {
      execFile('sh', ['-c', line], { cwd, env: { ...process.env, CI: '1', NO_COLOR: '1' }, timeout: 60_000 }, (err, _stdout, stderr) => {
        resolve({ code: err ? Number((err as NodeJS.ErrnoException & { code?: unknown }).code ?? 1) : 0, stderr });
      });
    });
  const cli = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)}`;

  it('`cat a.jpg | tilepipe - … > b.png` and `tilepipe a.jpg -o - > …`: stdout holds only the image, equal to the library\'s', async () => {
    const root = tempDir('tilepipe-stdio-');
    await writeJpeg(path.join(root, 'a.jpg'), 48, 32, 5);
    const piped = await sh(`cat a.jpg | ${cli} - -j 1 --op blur:sigma=2 --format png > b.png`, root);
    expect(piped).toEqual({ code: 0, stderr: '' });
    const p = createPipeline({ workers: 1, cacheDir: false });
    try {
      const expected = await p.processBuffer(readFileSync(path.join(root, 'a.jpg')), { ops: ['blur:sigma=2'], format: 'png' });
      expect(readFileSync(path.join(root, 'b.png')).equals(expected)).toBe(true);
    } finally {
      await p.close();
    }
    // A file to stdout; with no --format, the input's format.
    expect(await sh(`${cli} a.jpg -o - -j 1 --op invert > c.out`, root)).toEqual({ code: 0, stderr: '' });
    expect((await sharp(path.join(root, 'c.out')).metadata()).format).toBe('jpeg');
    // stdin without --format: its own format, found from its bytes.
    expect(await sh(`${cli} - -j 1 < a.jpg > d.out`, root)).toEqual({ code: 0, stderr: '' });
    expect((await sharp(path.join(root, 'd.out')).metadata()).format).toBe('jpeg');
  });

  it('a bad image on stdin fails with one line naming standard input and exit 1; two inputs to stdout is a usage error', async () => {
    const root = tempDir('tilepipe-stdio-bad-');
    await writeJpeg(path.join(root, 'a.jpg'), 16, 16, 1);
    await writeJpeg(path.join(root, 'b.jpg'), 16, 16, 2);
    const bad = await sh(`printf 'not an image' | ${cli} - --format png > out.bin`, root);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^tilepipe: standard input: .+\n$/);
    expect(readFileSync(path.join(root, 'out.bin')).length).toBe(0);
    const two = await sh(`${cli} a.jpg b.jpg -o - > out2.bin`, root);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('only one input can be written to standard output');
    const mixed = await sh(`${cli} - a.jpg < a.jpg > out3.bin`, root);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('"-" (standard input) must be the only input');
  });
});
