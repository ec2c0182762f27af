/**
 * Input hashing reads each file a chunk at a time into reused buffers: every
 * size around the chunk boundary must hash as the whole file does, and many
 * hashes at once (more than the buffers kept) must not share a buffer.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createHash, randomFillSync } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hashFile } from '../../dist/src/runs/hash.js';
import { tempDir } from '../fixtures.js';

const dir = tempDir('tilepipe-hash-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MB = 1 << 20;
const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

function fileOf(name: string, bytes: number): string {
  const file = path.join(dir, name);
  writeFileSync(file, randomFillSync(Buffer.alloc(bytes)));
  return file;
}

describe('hashFile', () => {
  it('hashes files of every size around the chunk boundary as their whole content', async () => {
    for (const bytes of [0, 1, MB - 1, MB, MB + 1, 3 * MB + 12345]) {
      const file = fileOf(`f-${bytes}`, bytes);
      expect(await hashFile(file), `${bytes} bytes`).toBe(sha256(file));
    }
  });

  it('runs many hashes at once without mixing their chunks', async () => {
    const files = Array.from({ length: 20 }, (_, i) => fileOf(`c-${i}`, 2 * MB + i * 7919));
    const hashes = await Promise.all(files.map((f) => hashFile(f)));
    expect(hashes).toEqual(files.map(sha256));
    expect(new Set(hashes).size).toBe(files.length);
  });

  it('refuses what is not a regular file', async () => {
    await expect(hashFile(dir)).rejects.toThrow();
  });
});
