/**
 * End-to-end tests of the `tilepipe` command, part 1: trees, globs, variants, name
 * templates, incremental runs, dry runs. Every test spawns the built CLI as a user would
 * and checks exit codes, stdout/stderr and the files on disk.
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

});
