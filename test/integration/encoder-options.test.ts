/**
 * Encoder options: the flags (`--effort`, `--lossless`, `--progressive`, …),
 * the per-format `encode` setting (config and library), their per-format
 * checks, and that they reach the files and the manifest's options key.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { ndjson, tempDir, tilepipe, writeJpeg } from './cli-helpers.js';
import { ValidationError, createPipeline } from '../../dist/src/index.js';
import { parseTilepipeId } from '../../dist/src/integrations/query.js';

describe('encoder options', () => {
  it('--format webp --lossless: the decoded WebP equals the processed raster exactly (lossy does not)', async () => {
    const root = tempDir('tilepipe-lossless-');
    await writeJpeg(path.join(root, 'in', 'a.jpg'), 64, 48, 3);
    const p = createPipeline({ workers: 1, cacheDir: false });
    let raster: Buffer;
    try {
      const input = readFileSync(path.join(root, 'in', 'a.jpg'));
      raster = await sharp(await p.processBuffer(input, { ops: ['blur:sigma=1.5'], format: 'png' })).raw().toBuffer();
      // The library takes the same settings, per format.
      const lib = await p.processBuffer(input, { ops: ['blur:sigma=1.5'], format: 'webp', encode: { webp: { lossless: true } } });
      expect((await sharp(lib).removeAlpha().raw().toBuffer()).equals(raster)).toBe(true);
    } finally {
      await p.close();
    }
    for (const [dir, extra] of [['lossless', ['--lossless']], ['lossy', []]] as const) {
      const res = await tilepipe(['in', '-o', dir, '-j', '1', '--op', 'blur:sigma=1.5', '--format', 'webp', ...extra], root);
      expect(res.code).toBe(0);
      const pixels = await sharp(path.join(root, dir, 'a.webp')).removeAlpha().raw().toBuffer();
      expect(pixels.equals(raster), dir).toBe(dir === 'lossless');
    }
  });

  it('an option that does not apply to the format, or out of its range for it, is a usage error naming both; encoder flags need --format', async () => {
    const root = tempDir('tilepipe-encoder-bad-');
    await writeJpeg(path.join(root, 'in', 'a.jpg'), 16, 16, 1);
    for (const [args, message] of [
      [['--format', 'jpeg', '--lossless'], '--lossless does not apply to jpeg (it applies to webp, avif)'],
      [['--format', 'webp,jpeg', '--lossless'], '--lossless does not apply to jpeg'],
      [['--format', 'webp', '--effort', '7'], '--effort must be an integer in [0, 6] for webp, got 7'],
      [['--format', 'avif', '--bit-depth', '9'], '--bit-depth must be one of 1, 2, 4, 8, 10, 12, got "9"'],
      [['--format', 'avif', '--bit-depth', '4'], '--bit-depth must be one of 8, 10, 12 for avif, got "4"'],
      [['--format', 'jpeg', '--chroma-subsampling', '4:2:2'], '--chroma-subsampling must be one of 4:2:0, 4:4:4'],
      [['--mozjpeg'], '--mozjpeg needs --format'],
    ] as const) {
      const res = await tilepipe(['in', '-o', 'out', ...args], root);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr, args.join(' ')).toContain(message);
    }
    const p = createPipeline({ workers: 1, cacheDir: false });
    try {
      await expect(p.processBuffer(Buffer.alloc(1), { format: 'png', encode: { png: { lossless: true } } })).rejects.toThrow(ValidationError);
      await expect(p.processBuffer(Buffer.alloc(1), { format: 'png', encode: { bmp: {} } as never })).rejects.toThrow('encode: "bmp" is not a format');
    } finally {
      await p.close();
    }
  });

  it('a config\'s per-format encode settings reach each format of a multi-format run; flags override them; a change redoes the output', async () => {
    const root = tempDir('tilepipe-encode-config-');
    await writeJpeg(path.join(root, 'in', 'a.jpg'), 96, 64, 2);
    writeFileSync(path.join(root, 'tilepipe.config.json'), JSON.stringify({ encode: { jpeg: { progressive: true, chromaSubsampling: '4:4:4' }, png: { palette: true } } }));
    const first = await tilepipe(['in', '-o', 'out', '-j', '1', '--format', 'jpeg,png', '--json'], root);
    expect(first.code).toBe(0);
    const jpeg = await sharp(path.join(root, 'out', 'a.jpg')).metadata();
    expect([jpeg.isProgressive, jpeg.chromaSubsampling]).toEqual([true, '4:4:4']);
    expect((await sharp(path.join(root, 'out', 'a.png')).metadata()).isPalette).toBe(true);
    // Unchanged settings: skipped. A flag on top changes jpeg's settings: redone.
    expect(ndjson((await tilepipe(['in', '-o', 'out', '-j', '1', '--format', 'jpeg,png', '--json'], root)).stdout).summary.skipped).toBe(1);
    const again = await tilepipe(['in', '-o', 'out', '-j', '1', '--format', 'jpeg', '--json', '--chroma-subsampling', '4:2:0'], root);
    expect(ndjson(again.stdout).summary.ok).toBe(1);
    const redone = await sharp(path.join(root, 'out', 'a.jpg')).metadata();
    expect([redone.isProgressive, redone.chromaSubsampling]).toEqual([true, '4:2:0']);
  });

  it('the ?tilepipe query takes the format\'s encoder settings by name, checked like the flags; variants() applies them', async () => {
    expect(parseTilepipeId('/a.jpg?tilepipe&format=webp&lossless&effort=6')).toMatchObject({ formats: ['webp'], encode: { webp: { effort: 6, lossless: true } } });
    expect(parseTilepipeId('/a.jpg?tilepipe&format=avif,webp&effort=4&as=picture')).toMatchObject({ encode: { avif: { effort: 4 }, webp: { effort: 4 } } });
    expect(() => parseTilepipeId('/a.jpg?tilepipe&format=jpeg&lossless')).toThrow('lossless does not apply to jpeg (it applies to webp, avif)');
    expect(() => parseTilepipeId('/a.jpg?tilepipe&format=webp&effort=9')).toThrow('effort must be an integer in [0, 6] for webp');
    const root = tempDir('tilepipe-encoder-variants-');
    await writeJpeg(path.join(root, 'a.jpg'), 40, 30, 4);
    const p = createPipeline({ workers: 1, cacheDir: path.join(root, 'cache') });
    try {
      const raster = await sharp(await p.processBuffer(readFileSync(path.join(root, 'a.jpg')), { format: 'png' })).raw().toBuffer();
      const [lossless] = await p.variants(path.join(root, 'a.jpg'), { formats: ['webp'], encode: { webp: { lossless: true } } });
      const [lossy] = await p.variants(path.join(root, 'a.jpg'), { formats: ['webp'] });
      expect(lossless.path).not.toBe(lossy.path); // the settings are part of the cache key
      expect((await sharp(lossless.path).removeAlpha().raw().toBuffer()).equals(raster)).toBe(true);
    } finally {
      await p.close();
    }
  });
});
