/**
 * Reruns do not read unchanged inputs again: an input whose size and
 * modification time match what the manifest recorded when it was hashed
 * (and which was then at least 2 s old) keeps its recorded hash. A changed
 * time or size is read and redone; `--force` reads everything.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { rawRgba, syntheticPng } from '../fixtures.js';
import path from 'node:path';
import { MANIFEST, ndjson, tempDir, tilepipe, writeJpeg } from './cli-helpers.js';

describe('reruns', () => {
  it('trust an old input\'s recorded size and time instead of reading it; a new time or --force reads it', async () => {
    const root = tempDir('tilepipe-rerun-');
    const [b, fresh] = ['b', 'fresh'].map((n) => path.join(root, 'in', `${n}.jpg`));
    const a = path.join(root, 'in', 'a.png');
    // Stored (uncompressed) PNGs: any content of these dimensions has the same size.
    const storedPng = async (seed: number): Promise<Buffer> => sharp(await syntheticPng(24, 16, seed, false)).png({ compressionLevel: 0, adaptiveFiltering: false }).toBuffer();
    mkdirSync(path.dirname(a), { recursive: true });
    writeFileSync(a, await storedPng(1));
    await writeJpeg(b, 24, 16, 2);
    await writeJpeg(fresh, 24, 16, 3);
    const hourAgo = new Date(Date.now() - 3_600_000);
    for (const f of [a, b]) utimesSync(f, hourAgo, hourAgo);
    const args = ['in', '-o', 'out', '-j', '1', '--op', 'invert', '--json'];
    expect((await tilepipe(args, root)).code).toBe(0);
    const outputs = JSON.parse(readFileSync(path.join(root, 'out', MANIFEST), 'utf8')).outputs as Record<string, { inputSize?: number; inputMtimeMs?: number }>;
    expect(outputs['a.png']).toMatchObject({ inputSize: statSync(a).size, inputMtimeMs: statSync(a).mtimeMs });
    expect(outputs['fresh.jpg'].inputSize).toBeUndefined(); // too new to stand for its content

    // a: other bytes of the same size, its time put back: the rerun trusts the record (it does not read a).
    const before = statSync(a).size;
    writeFileSync(a, await storedPng(9));
    expect(statSync(a).size).toBe(before);
    utimesSync(a, hourAgo, hourAgo);
    // b: the same bytes with a new time: read again, and unchanged content is still skipped.
    utimesSync(b, new Date(), new Date(Date.now() - 1_800_000));
    const rerun = ndjson((await tilepipe(args, root)).stdout);
    expect(Object.fromEntries(rerun.files.map((f) => [path.basename(f.input), f.status]))).toEqual({ 'a.png': 'skipped', 'b.jpg': 'skipped', 'fresh.jpg': 'skipped' });

    // --force reads every input again: a is redone from its new bytes.
    const forced = ndjson((await tilepipe([...args, '--force'], root)).stdout);
    expect(forced.summary.ok).toBe(3);
    const inverted = (await rawRgba(a)).data.map((v, i) => (i % 4 === 3 ? v : 255 - v));
    expect((await rawRgba(path.join(root, 'out', 'a.png'))).data.equals(Buffer.from(inverted))).toBe(true);
    // a's new content is now what the manifest knows: after another change of time, nothing is redone.
    utimesSync(a, new Date(), new Date(Date.now() - 7_200_000));
    expect(ndjson((await tilepipe(args, root)).stdout).summary).toMatchObject({ skipped: 3, ok: 0 });
  });
});
