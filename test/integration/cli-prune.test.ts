/**
 * `--prune`: outputs whose input is gone are removed, as the manifest records
 * them; nothing else is ever touched (files it does not list, outputs changed
 * since they were written), and a dry run only lists.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MANIFEST, ndjson, outputsOf, tempDir, tilepipe, writeJpeg } from './cli-helpers.js';

describe('--prune', () => {
  it('removes the outputs of deleted inputs, keeps foreign and changed files, lists them in a dry run, and is a no-op without the flag', async () => {
    const root = tempDir('tilepipe-prune-');
    for (const name of ['a', 'b', 'c', 'd']) await writeJpeg(path.join(root, 'in', 'sub', `${name}.jpg`), 24, 16, name.charCodeAt(0));
    const args = ['in', '-o', 'out', '-j', '1', '--op', 'invert', '--json'];
    expect((await tilepipe(args, root)).code).toBe(0);
    const out = (f: string): string => path.join(root, 'out', 'sub', f);
    writeFileSync(path.join(root, 'out', 'mine.jpg'), 'not tilepipe\'s');
    // b and c lose their inputs; c's output is then changed by someone else; d's output is deleted by hand.
    for (const f of ['b', 'c']) unlinkSync(path.join(root, 'in', 'sub', `${f}.jpg`));
    writeFileSync(out('c.jpg'), 'edited by hand');
    unlinkSync(path.join(root, 'in', 'sub', 'd.jpg'));
    unlinkSync(out('d.jpg'));

    // Without --prune: nothing goes.
    expect((await tilepipe(args, root)).code).toBe(0);
    expect(existsSync(out('b.jpg'))).toBe(true);

    const dry = await tilepipe([...args, '--prune', '--dry-run'], root);
    expect(dry.code).toBe(0);
    expect(ndjson(dry.stdout).summary).toMatchObject({ pruned: [out('b.jpg')] });
    expect(existsSync(out('b.jpg'))).toBe(true);

    const res = await tilepipe([...args, '--prune'], root);
    expect(res.code).toBe(0);
    const summary = ndjson(res.stdout).summary as unknown as { pruned: string[]; skipped: number };
    expect(summary.pruned).toEqual([out('b.jpg')]);
    expect(summary.skipped).toBe(1);
    expect(outputsOf(path.join(root, 'out')).sort()).toEqual(['mine.jpg', 'sub/a.jpg', 'sub/c.jpg']);
    expect(readFileSync(out('c.jpg'), 'utf8')).toBe('edited by hand');
    // The manifest no longer lists b or d; a second prune finds nothing.
    const manifest = readFileSync(path.join(root, 'out', MANIFEST), 'utf8');
    const live = Object.entries((JSON.parse(manifest) as { outputs: Record<string, { removed?: boolean }> }).outputs).filter(([, e]) => !e.removed).map(([k]) => k);
    expect(live.sort()).toEqual(['sub/a.jpg', 'sub/c.jpg']);
    const again = await tilepipe([...args, '--prune'], root);
    expect(ndjson(again.stdout).summary).toMatchObject({ pruned: [] });
    // The plain report names what it removed on stderr.
    await writeJpeg(path.join(root, 'in', 'sub', 'e.jpg'), 24, 16, 9);
    expect((await tilepipe(['in', '-o', 'out', '-j', '1', '--op', 'invert'], root)).code).toBe(0);
    unlinkSync(path.join(root, 'in', 'sub', 'e.jpg'));
    const plain = await tilepipe(['in', '-o', 'out', '-j', '1', '--op', 'invert', '--prune'], root);
    expect(plain.stderr).toContain(`pruned: ${out('e.jpg')} (its input is gone)`);
    expect(plain.stderr).toMatch(/1 pruned/);
  });
});
