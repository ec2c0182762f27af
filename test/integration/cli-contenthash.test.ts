/**
 * `{contenthash}`: outputs named after their own bytes. Different encoder
 * settings give different names; reruns find the outputs through the
 * manifest (by input and options, not path); copies from duplicates and
 * from the cache get the same names; `--prune` removes superseded files.
 */
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ndjson, outputsOf, tempDir, tilepipe, writeJpeg } from './cli-helpers.js';

const TEMPLATE = '{dir}/{name}.{contenthash}.{ext}';
/** The first 8 hex digits of a file's SHA-256. */
const hashOf = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 8);

/** Every output below `dir` (no hidden files), each checked to be named after its own bytes. */
function hashedOutputs(dir: string): string[] {
  const files = outputsOf(dir).sort();
  for (const f of files) {
    const m = /\.([0-9a-f]{8})\.webp$/.exec(f);
    expect(m, f).not.toBeNull();
    expect(hashOf(path.join(dir, f)), f).toBe(m![1]);
  }
  return files;
}

describe('{contenthash}', () => {
  it('names outputs after their bytes, skips them on rerun, and prunes the ones a new setting replaced', async () => {
    const root = tempDir('tilepipe-contenthash-');
    await writeJpeg(path.join(root, 'in', 'a.jpg'), 40, 30, 1);
    await writeJpeg(path.join(root, 'in', 'sub', 'b.jpg'), 30, 20, 2);
    copyFileSync(path.join(root, 'in', 'a.jpg'), path.join(root, 'in', 'sub', 'a-copy.jpg')); // a duplicate: copied, not processed
    const args = (q: number): string[] => ['in', '-o', 'out', '-j', '1', '--op', 'invert', '--format', 'webp', '--quality', String(q), '--name', TEMPLATE, '--json'];
    const out = path.join(root, 'out');

    const first = await tilepipe(args(50), root);
    expect(first.code, first.stderr).toBe(0);
    const q50 = hashedOutputs(out);
    expect(q50).toHaveLength(3);
    const byName = (files: string[], name: string): string => files.find((f) => path.basename(f).startsWith(`${name}.`))!;
    // The duplicate's bytes are the leader's, so is its hash.
    expect(byName(q50, 'a-copy').split('.')[1]).toBe(byName(q50, 'a').split('.')[1]);
    // The events name the written files, not the template.
    expect(ndjson(first.stdout).files.flatMap((f) => f.outputs.map((o) => path.relative(out, o.path))).sort()).toEqual(q50);

    // Rerun: found through the manifest, skipped, reported at their real paths.
    const again = await tilepipe(args(50), root);
    const { files, summary } = ndjson(again.stdout);
    expect(summary).toMatchObject({ skipped: 3, ok: 0 });
    expect(files.flatMap((f) => f.outputs.map((o) => path.relative(out, o.path))).sort()).toEqual(q50);

    // Another quality: other bytes, other names; the old files stay (pages may still link them)…
    expect((await tilepipe(args(90), root)).code).toBe(0);
    const both = hashedOutputs(out);
    expect(both).toHaveLength(6);
    const q90 = both.filter((f) => !q50.includes(f));
    expect(q90).toHaveLength(3);
    // …until --prune, which removes exactly the superseded ones.
    const pruned = await tilepipe([...args(90), '--prune'], root);
    expect(pruned.code).toBe(0);
    expect((ndjson(pruned.stdout).summary as unknown as { pruned: string[] }).pruned.map((p) => path.relative(out, p)).sort()).toEqual(q50);
    expect(hashedOutputs(out)).toEqual(q90);
  });

  it('--prune removes only outputs a later output of the same input replaced, not another input\'s of the same name', async () => {
    const root = tempDir('tilepipe-contenthash-two-');
    await writeJpeg(path.join(root, 'x', 'a.jpg'), 20, 20, 6);
    await writeJpeg(path.join(root, 'y', 'a.jpg'), 20, 20, 7);
    const run = (input: string): Promise<{ code: number | null; stdout: string }> => tilepipe([input, '-o', 'out', '--format', 'webp', '--name', '{name}.{contenthash}.{ext}', '--prune', '--json'], root);
    expect((await run('x')).code).toBe(0);
    const second = await run('y');
    expect((ndjson(second.stdout).summary as unknown as { pruned: string[] }).pruned).toEqual([]);
    expect(hashedOutputs(path.join(root, 'out'))).toHaveLength(2);
  });

  it('restores cached outputs under their content name in another out-dir, and shows the placeholder in a dry run', async () => {
    const root = tempDir('tilepipe-contenthash-cache-');
    await writeJpeg(path.join(root, 'in', 'a.jpg'), 40, 30, 3);
    const args = (outDir: string): string[] => ['in', '-o', outDir, '-j', '1', '--op', 'blur:sigma=1', '--format', 'webp', '--name', TEMPLATE, '--cache-dir', 'cache', '--json'];
    const dry = await tilepipe([...args('one'), '--dry-run'], root);
    expect(ndjson(dry.stdout).files[0].outputs[0].path).toBe(path.join(root, 'one', 'a.{contenthash}.webp'));
    expect((await tilepipe(args('one'), root)).code).toBe(0);
    const res = await tilepipe(args('two'), root);
    expect(ndjson(res.stdout).files[0]).toMatchObject({ status: 'ok', from: 'cache' });
    expect(hashedOutputs(path.join(root, 'two'))).toEqual(hashedOutputs(path.join(root, 'one')));
  });

  it('is refused in a folder name, given or brought in by {dir} (exit 2)', async () => {
    const root = tempDir('tilepipe-contenthash-dir-');
    await writeJpeg(path.join(root, 'in', 'a.jpg'), 8, 8, 4);
    const res = await tilepipe(['in', '-o', 'out', '--name', '{contenthash}/{name}.{ext}'], root);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/\{contenthash\} may only be used in the file name/);
    // A folder that {dir} brings in after it, too (the placeholder is never a folder on disk).
    await writeJpeg(path.join(root, 'in', 'sub', 'deep', 'c.jpg'), 8, 8, 5);
    const viaDir = await tilepipe(['in', '-o', 'out', '--name', '{name}-{contenthash}{dir}.{ext}'], root);
    expect(viaDir.code).toBe(2);
    expect(viaDir.stderr).toMatch(/gives "c-\{contenthash\}sub\/deep\.jpg", with \{contenthash\} in a folder/);
    expect(viaDir.stderr).not.toContain('\0');
  });
});
