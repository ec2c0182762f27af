/**
 * End-to-end tests of the `tilepipe` command: every test spawns the built CLI
 * (dist/cli/main.js, build first with `npx tsc -p .`) as a user would, on small
 * generated images in temporary folders, and checks exit codes, stdout/stderr
 * and the files on disk.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { runCli } from '../cli-runner.js';
import { diffPixels, rawRgba, syntheticPng, tempDir as fixtureTempDir } from '../fixtures.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
const PKG = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
const MANIFEST = '.tilepipe-manifest.json';

/** Temporary folders made by this file, removed after it. */
const made: string[] = [];
function tempDir(prefix: string): string {
  const dir = fixtureTempDir(prefix);
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI in `cwd`, as a user would (see cli-runner.ts). */
const tilepipe = (args: readonly string[], cwd: string): Promise<Result> => runCli(args, { cwd, timeoutMs: 30_000 });

/** Non-empty lines of a stream. */
const lines = (s: string): string[] => s.split('\n').filter((l) => l.trim() !== '');

interface FileEvt {
  type: 'file';
  input: string;
  outputs: Array<{ path: string; format: string; width?: number; height?: number; bytes?: number }>;
  status: 'ok' | 'skipped' | 'failed' | 'planned';
  error?: string;
  ms: number;
}
interface SummaryEvt {
  type: 'summary';
  ok: number;
  skipped: number;
  failed: number;
  planned: number;
  outputs: number;
  megapixels: number;
  wallMs: number;
  imagesPerSecond: number;
  aborted: boolean;
}

/** Parses `--json` stdout: every line is JSON; file events, then exactly one summary, last. */
function ndjson(stdout: string): { files: FileEvt[]; summary: SummaryEvt } {
  const events = lines(stdout).map((l) => JSON.parse(l) as FileEvt | SummaryEvt);
  const summaries = events.filter((e): e is SummaryEvt => e.type === 'summary');
  expect(summaries).toHaveLength(1);
  expect(events[events.length - 1].type).toBe('summary');
  const files = events.filter((e): e is FileEvt => e.type === 'file');
  expect(files.length).toBe(events.length - 1);
  return { files, summary: summaries[0] };
}

/** Status per input, keyed by the input's path relative to `base` (with `/`). */
function statuses(files: FileEvt[], base: string): Record<string, string> {
  return Object.fromEntries(files.map((f) => [path.relative(base, f.input).split(path.sep).join('/'), f.status]));
}

/** Every file below `dir`, relative, `/`-separated, sorted (hidden files included). [] if `dir` is absent. */
function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((rel) => statSync(path.join(dir, rel)).isFile())
    .map((rel) => rel.split(path.sep).join('/'))
    .sort();
}

/** Every entry (files and folders) below `dir`. */
function entries(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[]).map((rel) => rel.split(path.sep).join('/')).sort();
}

const outputsOf = (dir: string): string[] => tree(dir).filter((f) => f !== MANIFEST);

async function writePng(file: string, width: number, height: number, seed: number, alpha = false): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, await syntheticPng(width, height, seed, alpha));
}

async function writeJpeg(file: string, width: number, height: number, seed: number): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, await sharp(await syntheticPng(width, height, seed, false)).jpeg({ quality: 90 }).toBuffer());
}

async function size(file: string): Promise<[number, number]> {
  const m = await sharp(file).metadata();
  return [m.width!, m.height!];
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first with \`npx tsc -p .\``);
});

describe('tilepipe CLI', () => {
  it('1. a directory tree in, the mirrored tree out; hidden and non-image files skipped', async () => {
    const root = tempDir('tilepipe-cli-tree-');
    const src = path.join(root, 'photos');
    await writePng(path.join(src, 'top.png'), 60, 40, 1);
    await writeJpeg(path.join(src, 'trips', 'beach.jpg'), 50, 30, 2);
    await writePng(path.join(src, 'trips', '2024', 'deep', 'pier.png'), 40, 44, 3, true);
    await writePng(path.join(src, '.hidden.png'), 40, 40, 4);
    await writePng(path.join(src, '.cache', 'thumb.png'), 40, 40, 5);
    writeFileSync(path.join(src, 'notes.txt'), 'not an image\n');
    writeFileSync(path.join(src, 'trips', 'notes.txt'), 'not an image either\n');

    const r = await tilepipe(['photos', '-o', 'out', '-j', '2'], root);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const out = path.join(root, 'out');
    expect(outputsOf(out)).toEqual(['top.png', 'trips/2024/deep/pier.png', 'trips/beach.jpg']);
    expect(tree(out)).toContain(MANIFEST);
    // stdout: one absolute output path per line, nothing else.
    expect(lines(r.stdout).sort()).toEqual(outputsOf(out).map((f) => path.join(out, f)).sort());
    expect(await size(path.join(out, 'top.png'))).toEqual([60, 40]);
    expect(await size(path.join(out, 'trips/beach.jpg'))).toEqual([50, 30]);
    expect(await size(path.join(out, 'trips/2024/deep/pier.png'))).toEqual([40, 44]);
    // No ops: PNG in, PNG out, the same pixels (alpha included).
    expect(await diffPixels(path.join(src, 'top.png'), path.join(out, 'top.png'))).toBe(0);
    expect(await diffPixels(path.join(src, 'trips/2024/deep/pier.png'), path.join(out, 'trips/2024/deep/pier.png'))).toBe(0);
  });

  it('2. a quoted glob: only matching files, tree mirrored below the static base', async () => {
    const root = tempDir('tilepipe-cli-glob-');
    const src = path.join(root, 'src');
    await writePng(path.join(src, 'a.png'), 40, 40, 1);
    await writeJpeg(path.join(src, 'sub', 'b.jpg'), 48, 40, 2);
    await writePng(path.join(src, 'sub', 'deeper', 'c.png'), 40, 40, 3);
    writeFileSync(path.join(src, 'sub', 'd.webp'), await sharp(await syntheticPng(40, 40, 4, false)).webp().toBuffer());
    writeFileSync(path.join(src, 'e.gif'), await sharp(await syntheticPng(40, 40, 5, false)).gif().toBuffer());
    await writePng(path.join(src, '.hidden.png'), 40, 40, 6);
    writeFileSync(path.join(src, 'notes.txt'), 'x\n');
    await writePng(path.join(root, 'elsewhere', 'z.png'), 40, 40, 7); // outside the glob's base

    const glob = `${src.split(path.sep).join('/')}/**/*.{jpg,png}`;
    const r = await tilepipe([glob, '-o', 'out', '-j', '2', '--json'], root);
    expect(r.code).toBe(0);
    const { files, summary } = ndjson(r.stdout);
    expect(statuses(files, src)).toEqual({ 'a.png': 'ok', 'sub/b.jpg': 'ok', 'sub/deeper/c.png': 'ok' });
    expect(summary.ok).toBe(3);
    expect(outputsOf(path.join(root, 'out'))).toEqual(['a.png', 'sub/b.jpg', 'sub/deeper/c.png']);

    // The same glob, relative to the working folder: the base is `src`, not the cwd.
    const r2 = await tilepipe(['src/sub/**/*.{jpg,png}', '-o', 'out2', '-j', '1'], root);
    expect(r2.code).toBe(0);
    expect(outputsOf(path.join(root, 'out2'))).toEqual(['b.jpg', 'deeper/c.png']);
  });

  it('3. variants: every width x format, correct widths, default names {name}-{width}.{ext}', async () => {
    const root = tempDir('tilepipe-cli-variants-');
    await writePng(path.join(root, 'in', 'wide.png'), 120, 60, 1);
    await writePng(path.join(root, 'in', 'sub', 'tall.png'), 120, 90, 2, true);
    const r = await tilepipe(['in', '-o', 'out', '--width', '40,80', '--format', 'webp,png', '-j', '2', '--json'], root);
    expect(r.code).toBe(0);
    const { files, summary } = ndjson(r.stdout);
    expect(files.map((f) => f.outputs.length)).toEqual([4, 4]);
    expect(summary.outputs).toBe(8);
    const out = path.join(root, 'out');
    expect(outputsOf(out)).toEqual([
      'sub/tall-40.png', 'sub/tall-40.webp', 'sub/tall-80.png', 'sub/tall-80.webp',
      'wide-40.png', 'wide-40.webp', 'wide-80.png', 'wide-80.webp',
    ]);
    for (const [name, h120] of [['wide', 60], ['sub/tall', 90]] as const) {
      for (const w of [40, 80]) {
        for (const fmt of ['webp', 'png']) {
          const m = await sharp(path.join(out, `${name}-${w}.${fmt}`)).metadata();
          expect(m.format).toBe(fmt);
          expect(m.width).toBe(w);
          expect(m.height).toBe(Math.round((h120 * w) / 120));
        }
      }
    }
  });

  it('4. name templates: {format}/{name}-{hash}.{ext} works; templates escaping the out-dir exit 2 and write nothing', async () => {
    const root = tempDir('tilepipe-cli-names-');
    const tag = path.basename(root).replace(/[^A-Za-z0-9]/g, '');
    await writePng(path.join(root, 'in', `p${tag}.png`), 40, 30, 1);
    await writeJpeg(path.join(root, 'in', 'sub', `q${tag}.jpg`), 40, 30, 2);

    const ok = await tilepipe(['in', '-o', 'out', '--name', '{format}/{name}-{hash}.{ext}', '-j', '2'], root);
    expect(ok.code).toBe(0);
    const files = outputsOf(path.join(root, 'out'));
    expect(files).toHaveLength(2);
    const sha8 = (f: string): string => createHash('sha256').update(readFileSync(path.join(root, 'in', f))).digest('hex').slice(0, 8);
    expect(files).toEqual([`jpeg/q${tag}-${sha8(`sub/q${tag}.jpg`)}.jpg`, `png/p${tag}-${sha8(`p${tag}.png`)}.png`]);
    for (const f of files) expect(f).toMatch(/^(jpeg|png)\/[pq]\w+-[0-9a-f]{8}\.(jpg|png)$/);

    // Escape attempts: a fresh working folder holding only the inputs.
    const work = path.join(root, 'work');
    mkdirSync(work);
    await writePng(path.join(work, 'in', `p${tag}.png`), 40, 30, 1);
    await writePng(path.join(work, 'in', 'sub', `q${tag}.png`), 40, 30, 2);
    const before = entries(work);
    const parentBefore = entries(root).filter((e) => !e.startsWith('work/') && e !== 'work');
    const absDir = path.join(root, 'abs');
    for (const template of ['../{name}.{ext}', '/tmp/x/{name}.{ext}', `${absDir}/{name}.{ext}`, '{dir}/../../{name}.{ext}']) {
      const r = await tilepipe(['in', '-o', 'out', '--name', template, '-j', '1'], work);
      expect(r.code, `--name ${template}`).toBe(2);
      expect(r.stderr, `--name ${template}`).toMatch(/out-dir/);
      expect(r.stdout).toBe('');
      expect(entries(path.join(work, 'out')), `--name ${template}`).toEqual([]);
      expect(entries(work), `--name ${template}`).toEqual(before);
      expect(entries(root).filter((e) => !e.startsWith('work/') && e !== 'work'), `--name ${template}`).toEqual(parentBefore);
      expect(existsSync(`/tmp/x/p${tag}.png`)).toBe(false);
      expect(existsSync(`/tmp/x/q${tag}.png`)).toBe(false);
      expect(existsSync(absDir)).toBe(false);
    }
  });

  it('5. incremental: up-to-date files are skipped; a changed input, -f, or a changed chain redoes them', async () => {
    const root = tempDir('tilepipe-cli-incremental-');
    const names = ['a.png', 'b.png', 'sub/c.png'];
    for (const [i, n] of names.entries()) await writePng(path.join(root, 'in', n), 48, 40, 10 + i);
    const out = path.join(root, 'out');
    const args = ['in', '-o', 'out', '-j', '2', '--json', '--op', 'invert'];
    const mtimes = (): Record<string, number> => Object.fromEntries(outputsOf(out).map((f) => [f, statSync(path.join(out, f)).mtimeMs]));
    const all = (status: string): Record<string, string> => Object.fromEntries(names.map((n) => [n, status]));
    const inDir = path.join(root, 'in');

    const first = await tilepipe(args, root);
    expect(first.code).toBe(0);
    expect(statuses(ndjson(first.stdout).files, inDir)).toEqual(all('ok'));
    expect(existsSync(path.join(out, MANIFEST))).toBe(true);
    const t1 = mtimes();
    expect(Object.keys(t1)).toEqual(['a.png', 'b.png', 'sub/c.png']);
    await new Promise((r) => setTimeout(r, 30)); // a rewrite would now show in the mtimes

    const second = await tilepipe(args, root);
    expect(second.code).toBe(0);
    const s2 = ndjson(second.stdout);
    expect(statuses(s2.files, inDir)).toEqual(all('skipped'));
    expect(s2.summary).toMatchObject({ ok: 0, skipped: 3, failed: 0, outputs: 0 });
    expect(mtimes()).toEqual(t1);

    // New content in one input: only it is redone.
    await writePng(path.join(inDir, 'b.png'), 48, 40, 99);
    const third = await tilepipe(args, root);
    expect(third.code).toBe(0);
    expect(statuses(ndjson(third.stdout).files, inDir)).toEqual({ 'a.png': 'skipped', 'b.png': 'ok', 'sub/c.png': 'skipped' });
    const t3 = mtimes();
    expect(t3['a.png']).toBe(t1['a.png']);
    expect(t3['sub/c.png']).toBe(t1['sub/c.png']);
    expect(t3['b.png']).not.toBe(t1['b.png']);
    // ... and the redone output is the new input, inverted.
    const [src, dst] = await Promise.all([rawRgba(path.join(inDir, 'b.png')), rawRgba(path.join(out, 'b.png'))]);
    for (let i = 0; i < src.data.length; i += 4) {
      expect([dst.data[i], dst.data[i + 1], dst.data[i + 2]]).toEqual([255 - src.data[i], 255 - src.data[i + 1], 255 - src.data[i + 2]]);
    }

    // -f redoes everything.
    const forced = await tilepipe([...args, '-f'], root);
    expect(forced.code).toBe(0);
    expect(statuses(ndjson(forced.stdout).files, inDir)).toEqual(all('ok'));

    // Up to date again...
    expect(statuses(ndjson((await tilepipe(args, root)).stdout).files, inDir)).toEqual(all('skipped'));
    // ... until the chain changes.
    const changed = await tilepipe([...args, '--op', 'blur:sigma=1.5'], root);
    expect(changed.code).toBe(0);
    expect(statuses(ndjson(changed.stdout).files, inDir)).toEqual(all('ok'));
  });

  it('6. --dry-run writes nothing and lists the would-be outputs; with --json they are "planned"', async () => {
    const root = tempDir('tilepipe-cli-dry-');
    await writePng(path.join(root, 'in', 'a.png'), 40, 40, 1);
    await writeJpeg(path.join(root, 'in', 'sub', 'b.jpg'), 44, 40, 2);
    const out = path.join(root, 'out');
    const args = ['in', '-o', 'out', '-j', '1', '--width', '20,30', '--format', 'png'];

    const dry = await tilepipe([...args, '--dry-run'], root);
    expect(dry.code).toBe(0);
    expect(existsSync(out)).toBe(false);
    const expected = ['a-20.png', 'a-30.png', 'sub/b-20.png', 'sub/b-30.png'].map((f) => path.join(out, f));
    expect(lines(dry.stdout).sort()).toEqual(expected);

    const dryJson = await tilepipe([...args, '-n', '--json'], root);
    expect(dryJson.code).toBe(0);
    expect(existsSync(out)).toBe(false);
    const { files, summary } = ndjson(dryJson.stdout);
    expect(files.map((f) => f.status)).toEqual(['planned', 'planned']);
    expect(files.flatMap((f) => f.outputs.map((o) => o.path)).sort()).toEqual(expected);
    expect(summary).toMatchObject({ ok: 0, skipped: 0, failed: 0, planned: 2, outputs: 0 });

    // The real run writes exactly what the dry run listed.
    const real = await tilepipe(args, root);
    expect(real.code).toBe(0);
    expect(outputsOf(out).map((f) => path.join(out, f))).toEqual(expected);
  });

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
    expect(paramsOf('blur')).toEqual([expect.stringMatching(/^sigma: a number in \[0\.3, 100\], default 1\./)]);
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
