/** Metadata is stripped by default; keepMetadata keeps textual EXIF and writes an sRGB profile. */
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { createPipeline } from '../../dist/src/index.js';
import { tempDir } from '../fixtures.js';

describe('metadata', () => {
  it('is stripped by default and kept (EXIF text tags + ICC) with keepMetadata, for every format that holds it', async () => {
    const dir = tempDir();
    const input = path.join(dir, 'in.jpg');
    writeFileSync(input, await sharp({ create: { width: 40, height: 30, channels: 3, background: '#abc' } })
      .jpeg().withExif({ IFD0: { Make: 'TestCam', Copyright: 'Jane Doe' }, IFD2: { DateTimeOriginal: '2024:05:06 07:08:09' } }).toBuffer());
    const p = createPipeline({ workers: 1 });
    try {
      const kept = await p.run({ inputs: [input], outDir: path.join(dir, 'kept'), keepMetadata: true, formats: ['jpeg', 'webp', 'png'], ops: ['invert'] });
      const stripped = await p.run({ inputs: [input], outDir: path.join(dir, 'stripped'), formats: ['jpeg', 'webp', 'png'], ops: ['invert'] });
      expect([kept.ok, stripped.ok]).toEqual([1, 1]);
      for (const ext of ['jpg', 'webp', 'png']) {
        const k = await sharp(path.join(dir, 'kept', `in.${ext}`)).metadata();
        const exif = k.exif?.toString('latin1') ?? '';
        expect(exif, ext).toContain('TestCam');
        expect(exif, ext).toContain('Jane Doe');
        expect(exif, ext).toContain('2024:05:06 07:08:09');
        expect(k.icc, ext).toBeDefined();
        const s = await sharp(path.join(dir, 'stripped', `in.${ext}`)).metadata();
        expect(s.exif, ext).toBeUndefined();
        expect(s.icc, ext).toBeUndefined();
      }
    } finally {
      await p.close();
    }
  });
});
