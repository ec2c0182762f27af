/**
 * AVIF encodes run with AVIF_THREADS libvips threads (io/encoder-threads.ts),
 * whatever else is in flight, so an image gives the same bytes alone and in
 * a batch; sharp's process-wide concurrency is put back afterwards.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { createPipeline } from '../../dist/src/index.js';
import { AVIF_THREADS } from '../../dist/src/io/encoder-threads.js';
import { syntheticPng, tempDir } from '../fixtures.js';

describe('AVIF encoder threads', () => {
  it('alone or amid other AVIF and PNG encodes, an AVIF has the bytes libvips gives with AVIF_THREADS threads; the concurrency is 1 again after', async () => {
    const dir = tempDir();
    const inputs = await Promise.all([1, 2, 3, 4].map(async (seed) => {
      const file = path.join(dir, `in-${seed}.png`);
      writeFileSync(file, await syntheticPng(256 + seed, 192, seed, false));
      return file;
    }));
    // At this size aom's output shows its thread count.
    sharp.concurrency(AVIF_THREADS);
    const expected = await sharp(inputs[0]).avif().toBuffer();
    sharp.concurrency(1);
    expect(expected.equals(await sharp(inputs[0]).avif().toBuffer())).toBe(false);

    const p = createPipeline({ workers: 2 });
    try {
      const out = (name: string, format: 'avif' | 'png') => ({ path: path.join(dir, 'out', `${name}.${format}`), format });
      // No ops: one libvips pipeline (io/transcode.ts). With gamma, raw pixels and the encoder (io/encode.ts).
      await p.processFiles([{ input: inputs[0], outputs: [out('alone', 'avif')] }]);
      await p.processFiles([{ input: inputs[0], outputs: [out('alone-gamma', 'avif')] }], { ops: ['gamma'] });
      expect(sharp.concurrency()).toBe(1);
      await p.processFiles(inputs.map((input, i) => ({ input, outputs: [out(`batch-${i}`, i % 2 ? 'png' : 'avif')] })));
      await p.processFiles(inputs.map((input, i) => ({ input, outputs: [out(`batch-gamma-${i}`, i % 2 ? 'png' : 'avif')] })), { ops: ['gamma'] });
      expect(sharp.concurrency()).toBe(1);

      const written = (name: string): Buffer => readFileSync(path.join(dir, 'out', `${name}.avif`));
      expect(written('alone').equals(expected)).toBe(true);
      expect(written('batch-0').equals(expected)).toBe(true);
      expect(written('batch-gamma-0').equals(written('alone-gamma'))).toBe(true);
      expect(written('alone-gamma').equals(expected)).toBe(false); // gamma did change the pixels

      // Another engine made while an AVIF encodes sets the concurrency back to 1: the next AVIF encode still gets its threads.
      const big = path.join(dir, 'big.png');
      writeFileSync(big, await syntheticPng(640, 480, 9, false));
      const slow = p.processFiles([{ input: big, outputs: [out('big', 'avif')] }]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await createPipeline({ workers: 1 }).close();
      expect(sharp.concurrency()).toBe(1);
      await p.processFiles([{ input: inputs[0], outputs: [out('amid', 'avif')] }]);
      await slow;
      expect(written('amid').equals(expected)).toBe(true);
      expect(sharp.concurrency()).toBe(1);
    } finally {
      await p.close();
    }
  });
});
