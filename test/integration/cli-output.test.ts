/**
 * End-to-end tests of the `tilepipe` command, part 2: --json, bad flags, bad files,
 * worker and tile settings, `tilepipe ops`, config files, and regressions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { runCli } from '../cli-runner.js';
import { diffPixels, rawRgba, syntheticPng, tempDir as fixtureTempDir } from '../fixtures.js';
import { ROOT, CLI, PKG, MANIFEST, made, tempDir, tilepipe, lines, ndjson, statuses, tree, entries, outputsOf, writePng, writeJpeg, size, type Result, type FileEvt, type SummaryEvt } from './cli-helpers.js';

describe('tilepipe CLI, continued', () => {
  it('7. --json: every stdout line is JSON; the summary matches the files on disk', async () => {
    const root = tempDir('tilepipe-cli-json-');
    await writePng(path.join(root, 'in', 'a.png'), 40, 40, 1);
    await writePng(path.join(root, 'in', 'b.png'), 60, 40, 2, true);
    await writeJpeg(path.join(root, 'in', 'x', 'c.jpg'), 40, 50, 3);
    writeFileSync(path.join(root, 'in', 'x', 'broken.png'), 'not a png');
    const r = await tilepipe(['in', '-o', 'out', '--format', 'png,webp', '--op', 'grayscale', '-j', '2', '--json'], root);
    expect(r.code).toBe(1); // broken.png fails
    const all = lines(r.stdout);
    for (const l of all) expect(() => JSON.parse(l), l).not.toThrow();
    const { files, summary } = ndjson(r.stdout);
    expect(files).toHaveLength(4);
    for (const f of files) {
      expect(Object.keys(f)).toEqual(expect.arrayContaining(['type', 'input', 'outputs', 'status', 'ms']));
      expect(Array.isArray(f.outputs)).toBe(true);
      expect(typeof f.error === 'string' && f.error !== '').toBe(f.status === 'failed');
      expect(typeof f.ms).toBe('number');
      expect(path.isAbsolute(f.input)).toBe(true);
    }
    const onDisk = outputsOf(path.join(root, 'out'));
    expect(onDisk).toHaveLength(6);
    expect(summary).toMatchObject({ ok: 3, skipped: 0, failed: 1, planned: 0, outputs: 6, aborted: false });
    expect(summary.ok).toBe(files.filter((f) => f.status === 'ok').length);
    expect(summary.failed).toBe(files.filter((f) => f.status === 'failed').length);
    expect(summary.outputs).toBe(onDisk.length);
    expect(files.filter((f) => f.status === 'ok').flatMap((f) => f.outputs.map((o) => o.path)).sort()).toEqual(onDisk.map((f) => path.join(root, 'out', f)));
    for (const f of onDisk) expect(existsSync(path.join(root, 'out', f))).toBe(true);
    expect(summary.megapixels).toBeGreaterThan(0);
    expect(summary.wallMs).toBeGreaterThanOrEqual(0);
    expect(summary.imagesPerSecond).toBeGreaterThanOrEqual(0);
  });

  it('8. bad flags exit 2 with a message and write nothing', async () => {
    const root = tempDir('tilepipe-cli-badflags-');
    await writePng(path.join(root, 'in', 'a.png'), 40, 40, 1);
    const cases: Array<[string[], RegExp[]]> = [
      [['--bogus'], [/--bogus/]],
      [['--op', 'blurr'], [/blurr/, /blur/, /sobel/, /invert/, /resize/]],
      [['--op', 'blur:sigma=abc'], [/sigma/]],
      [['--quality', '0'], [/quality/]],
      [['--workers', '0'], [/workers/]],
      [['--format', 'bmp'], [/bmp/]],
    ];
    const results = await Promise.all([
      ...cases.map(([flags], i) => tilepipe(['in', '-o', `out${i}`, '-j', '1', ...flags], root)), // flags last: they win
      tilepipe(['in', '-j', '1'], root), // missing -o
    ]);
    cases.push([['(no -o)'], [/out-dir/]]);
    for (const [i, r] of results.entries()) {
      const [flags, patterns] = cases[i];
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.stdout, flags.join(' ')).toBe('');
      for (const p of patterns) expect(r.stderr, flags.join(' ')).toMatch(p);
    }
    // The --op blurr message lists every valid op.
    expect(results[1].stderr).toMatch(/valid/i);
    // Nothing written anywhere: the folder still holds just the input.
    expect(entries(root)).toEqual(['in', 'in/a.png']);
  });

  it('9. corrupt, empty and fake images fail alone: exit 1, good files written, one stderr line per bad file', async () => {
    const root = tempDir('tilepipe-cli-corrupt-');
    const src = path.join(root, 'in');
    await writePng(path.join(src, 'good1.png'), 80, 60, 1);
    await writeJpeg(path.join(src, 'good2.jpg'), 60, 80, 2);
    const whole = await syntheticPng(80, 60, 3, false);
    writeFileSync(path.join(src, 'truncated.png'), whole.subarray(0, Math.floor(whole.length / 2)));
    writeFileSync(path.join(src, 'empty.jpg'), Buffer.alloc(0));
    writeFileSync(path.join(src, 'text.png'), 'this is plain text, not a PNG\n');

    const r = await tilepipe(['in', '-o', 'out', '-j', '2', '--op', 'blur'], root);
    expect(r.code).toBe(1);
    const out = path.join(root, 'out');
    expect(outputsOf(out)).toEqual(['good1.png', 'good2.jpg']);
    expect(await size(path.join(out, 'good1.png'))).toEqual([80, 60]);
    expect(await size(path.join(out, 'good2.jpg'))).toEqual([60, 80]);
    expect(lines(r.stdout).sort()).toEqual([path.join(out, 'good1.png'), path.join(out, 'good2.jpg')]);
    const errLines = lines(r.stderr);
    for (const bad of ['truncated.png', 'empty.jpg', 'text.png']) {
      const mentioning = errLines.filter((l) => l.includes(path.join(src, bad)));
      expect(mentioning, `${bad} in stderr:\n${r.stderr}`).toHaveLength(1);
    }
    for (const good of ['good1.png', 'good2.jpg']) expect(r.stderr).not.toContain(path.join(src, good));
    // No partial or temporary file left behind.
    expect(tree(out)).toEqual([MANIFEST, 'good1.png', 'good2.jpg']);
  });

  it('10. --workers 1 and --workers 2 --tile-size 32 give byte-identical PNGs', async () => {
    const root = tempDir('tilepipe-cli-determinism-');
    await writePng(path.join(root, 'in', 'rgb.png'), 120, 90, 1);
    await writePng(path.join(root, 'in', 'rgba.png'), 100, 77, 2, true);
    await writeJpeg(path.join(root, 'in', 'sub', 'photo.jpg'), 97, 120, 3);
    const chain = ['--op', 'blur:sigma=2', '--op', 'sobel', '--op', 'normalize', '--format', 'png'];
    const [one, two] = await Promise.all([
      tilepipe(['in', '-o', 'one', '--workers', '1', ...chain], root),
      tilepipe(['in', '-o', 'two', '--workers', '2', '--tile-size', '32', ...chain], root),
    ]);
    expect(one.code).toBe(0);
    expect(two.code).toBe(0);
    const files = outputsOf(path.join(root, 'one'));
    expect(files).toEqual(['rgb.png', 'rgba.png', 'sub/photo.png']);
    expect(outputsOf(path.join(root, 'two'))).toEqual(files);
    for (const f of files) {
      const a = readFileSync(path.join(root, 'one', f));
      const b = readFileSync(path.join(root, 'two', f));
      expect(await diffPixels(a, b), f).toBe(0);
      expect(a.equals(b), f).toBe(true);
    }
    // The chain did something (not an identity copy).
    expect(await diffPixels(path.join(root, 'in', 'rgb.png'), path.join(root, 'one', 'rgb.png'))).toBeGreaterThan(0);
  });

  it('11. `tilepipe ops` lists every op with its parameter ranges; --version prints the package version', async () => {
    const root = tempDir('tilepipe-cli-ops-');
    const [ops, bad, version, versionShort] = await Promise.all([
      tilepipe(['ops'], root),
      tilepipe(['x.png', '-o', 'out', '-j', '1', '--op', 'nope'], root),
      tilepipe(['--version'], root),
      tilepipe(['-V'], root),
    ]);
    expect(ops.code).toBe(0);
    expect(ops.stderr).toBe('');
    expect(ops.stdout).toContain('blur');
    expect(ops.stdout).toContain('sigma');
    expect(ops.stdout).toContain('[0.3, 100]');
    // Every op the CLI accepts (as its "valid:" list says) has a header line, and nothing else does.
    expect(bad.code).toBe(2);
    const valid = /valid: ([\w, -]+)/.exec(bad.stderr)?.[1].split(',').map((s) => s.trim()) ?? [];
    expect(valid).toEqual(expect.arrayContaining(['blur', 'gamma', 'grayscale', 'invert', 'normalize', 'resize', 'sharpen', 'sobel']));
    const textLines = lines(ops.stdout);
    const headers = textLines.filter((l) => !/^\s/.test(l)).map((l) => l.split(/\s+/)[0]);
    expect([...headers].sort()).toEqual([...valid].sort());
    // Every parameter line states its range (or its choices) and its default.
    const paramLines = textLines.filter((l) => /^\s/.test(l));
    expect(paramLines.length).toBeGreaterThanOrEqual(10);
    for (const l of paramLines) {
      expect(l).toMatch(/^\s+\w+: (a number in \[-?[\d.]+, -?[\d.]+\]|an integer in \[-?\d+, -?\d+\]|one of [\w, ]+|true or false|a list of .*\]), (default .+|required)\./);
    }
    // The param lines sit under their op: blur's sigma is [0.3, 100], sharpen's [0.3, 50], gamma's gamma [0.05, 20].
    const paramsOf = (op: string): string[] => {
      const i = textLines.findIndex((l) => l.startsWith(`${op} `));
      const out: string[] = [];
      for (let j = i + 1; j < textLines.length && /^\s/.test(textLines[j]); j++) out.push(textLines[j].trim());
      return out;
    };
    expect(paramsOf('blur')).toEqual([expect.stringMatching(/^sigma: a number in \[0\.3, 100\], default 1\./), expect.stringMatching(/^precision: one of exact, approximate, default exact\./)]);
    expect(paramsOf('sharpen')[0]).toMatch(/^sigma: a number in \[0\.3, 50\]/);
    expect(paramsOf('gamma')[0]).toMatch(/^gamma: a number in \[0\.05, 20\]/);
    expect(paramsOf('resize').map((l) => l.split(':')[0])).toEqual(expect.arrayContaining(['width', 'height', 'fit']));
    expect(paramsOf('invert')).toEqual([]);

    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(PKG.version);
    expect(versionShort.code).toBe(0);
    expect(versionShort.stdout.trim()).toBe(PKG.version);
  });

  it('12. config: -c file applied, flags override it, an unknown key exits 2', async () => {
    const root = tempDir('tilepipe-cli-config-');
    await writeJpeg(path.join(root, 'in', 'a.jpg'), 48, 40, 1);
    await writePng(path.join(root, 'in', 'b.png'), 40, 36, 2);
    writeFileSync(path.join(root, 'cfg.json'), JSON.stringify({ ops: ['invert'], format: 'png' }));
    writeFileSync(path.join(root, 'bad.json'), JSON.stringify({ ops: ['invert'], formt: 'png' }));

    const [applied, overridden, bad] = await Promise.all([
      tilepipe(['-c', 'cfg.json', 'in', '-o', 'out1', '-j', '1'], root),
      tilepipe(['-c', 'cfg.json', 'in', '-o', 'out2', '-j', '1', '--format', 'webp'], root),
      tilepipe(['-c', 'bad.json', 'in', '-o', 'out3', '-j', '1'], root),
    ]);

    // Applied: png (a.jpg → a.png), and inverted.
    expect(applied.code).toBe(0);
    expect(outputsOf(path.join(root, 'out1'))).toEqual(['a.png', 'b.png']);
    const [src, dst] = await Promise.all([rawRgba(path.join(root, 'in', 'b.png')), rawRgba(path.join(root, 'out1', 'b.png'))]);
    let wrong = 0;
    for (let i = 0; i < src.data.length; i += 4) {
      for (let c = 0; c < 3; c++) if (dst.data[i + c] !== 255 - src.data[i + c]) wrong++;
    }
    expect(wrong).toBe(0);

    // The flag wins over the file; the file's ops still apply.
    expect(overridden.code).toBe(0);
    expect(outputsOf(path.join(root, 'out2'))).toEqual(['a.webp', 'b.webp']);
    expect((await sharp(path.join(root, 'out2', 'b.webp')).metadata()).format).toBe('webp');
    const webp = await rawRgba(path.join(root, 'out2', 'b.webp'));
    let far = 0;
    for (let i = 0; i < src.data.length; i += 4) if (Math.abs(webp.data[i + 1] - (255 - src.data[i + 1])) > 40) far++;
    expect(far / (src.data.length / 4)).toBeLessThan(0.05); // inverted, up to lossy coding

    // Unknown key: exit 2, named, nothing written.
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/formt/);
    expect(existsSync(path.join(root, 'out3'))).toBe(false);
  });
});

describe('regressions', () => {
  it('`ops --json` prints JSON; `ops --plugin` loads the plugin (and a missing one exits 2)', async () => {
    const dir = tempDir('ops-');
    const json = await tilepipe(['ops', '--json'], dir);
    expect(json.code).toBe(0);
    const ops = JSON.parse(json.stdout) as Array<{ name: string; kind: string; params: Record<string, unknown> }>;
    expect(ops.find((o) => o.name === 'blur')).toMatchObject({ kind: 'neighbourhood', params: { sigma: { min: 0.3, max: 100 } } });
    const withPlugin = await tilepipe(['ops', '--plugin', path.join(ROOT, 'test', 'fixtures', 'my-ops.mjs')], dir);
    expect(withPlugin.stdout).toMatch(/^solarize {2}\(point\)/m);
    expect((await tilepipe(['ops', '--plugin', path.join(dir, 'missing.mjs')], dir)).code).toBe(2);
  });

  it('a name template that would overwrite the manifest exits 2', async () => {
    const dir = tempDir('manifest-name-');
    await writePng(path.join(dir, 'a.png'), 20, 20, 1);
    const r = await tilepipe([path.join(dir, 'a.png'), '-o', path.join(dir, 'out'), '--name', MANIFEST], dir);
    expect(r.code).toBe(2);
    expect(existsSync(path.join(dir, 'out'))).toBe(false);
  });

  it('a name starting with ".." that stays inside the out-dir is allowed', async () => {
    const dir = tempDir('dotdot-');
    await writePng(path.join(dir, 'a.png'), 20, 20, 1);
    const r = await tilepipe([path.join(dir, 'a.png'), '-o', path.join(dir, 'out'), '--name', '..{name}.{ext}'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'out', '..a.png'))).toBe(true);
  });

  it('many tiles in flight print no listener warnings: stderr holds only the summary', async () => {
    const dir = tempDir('listeners-');
    for (const n of ['a', 'b', 'c', 'd']) await writePng(path.join(dir, `${n}.png`), 100, 90, 2);
    const r = await tilepipe([dir, '-o', path.join(dir, 'out'), '--workers', '2', '--tile-size', '16', '--op', 'blur', '--timeout', '60000'], dir);
    expect(r.code).toBe(0);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/^tilepipe: 4 ok/)]);
  });
});
