/**
 * Images with nothing to run between decode and encode (no chain, or only an
 * on-load resize; one output at the processed size) are decoded and encoded
 * in one sharp pipeline. Their pixels must be those of the two-step path
 * (decode → raw → encode), which an identity lookup table (`linear:a=1,b=0`)
 * forces, for every kind of test image and format, with and without kept
 * metadata, and their files the same but for the resolution the source
 * carried (kept, as sharp does: PNG pHYs, EXIF resolution tags).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import path from 'node:path';
import { createPipeline, InputError, type Pipeline } from '../../dist/src/index.js';
import { tempDir } from '../fixtures.js';

const IMAGES = path.join(import.meta.dirname, '..', '..', 'test-images');
const FILES = [
  'cmyk-photo-200x150.jpg', 'exif-orientation-6-120x80.jpg', 'greyscale-gradient-200x150.png', 'icc-display-p3-160x120.png',
  'nested/photo-lossy-320x240.webp', 'palette-16-colours-160x120.png', 'rgb16-gradient-64x48.png', 'rgba-soft-circle-300x200.png', 'nested/deeper/single-pixel-1x1.png',
];
const IDENTITY = 'linear:a=1,b=0';

let dir: string;
let p: Pipeline;
beforeAll(() => {
  dir = tempDir('tilepipe-transcode-');
  p = createPipeline({ workers: 1, cacheDir: false });
});
afterAll(async () => {
  await p?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('decode and encode in one pipeline', () => {
  it.each(FILES)('%s: same pixels as the two-step path, with and without an on-load resize, in every output format', async (file) => {
    const input = path.join(IMAGES, file);
    for (const chain of [[], ['resize:width=57']]) {
      for (const format of ['jpeg', 'png', 'webp', 'avif'] as const) {
        for (const keepMetadata of [false, true]) {
          const name = `${path.basename(file)}-${chain.length}-${keepMetadata}.${format}`;
          const before = p.times().transcodeMs;
          /** One output through processFiles (which takes keepMetadata per output). */
          const one = async (ops: string[], out: string) => {
            const [r] = await p.processFiles([{ input, outputs: [{ path: out, format, keepMetadata }] }], { ops });
            expect(r.status, `${name}: ${r.error}`).toBe('ok');
            return r.outputs[0];
          };
          const direct = await one(chain, path.join(dir, `direct-${name}`));
          // With alpha, an on-load resize keeps the two-step path (libvips would not round premultiplied pixels back first); so do 16-bit sources.
          const oneStep = !(file.startsWith('rgba') && chain.length > 0) && !file.startsWith('rgb16');
          expect(p.times().transcodeMs > before, `${name}: one pipeline`).toBe(oneStep);
          const twoStep = await one([...chain, IDENTITY], path.join(dir, `two-${name}`));
          expect([direct.width, direct.height]).toEqual([twoStep.width, twoStep.height]);
          const [a, b] = await Promise.all([direct.path, twoStep.path].map((f) => sharp(f).raw().toBuffer({ resolveWithObject: true })));
          expect(a.info, name).toEqual(b.info);
          expect(a.data.equals(b.data), name).toBe(true);
          const facts = async (f: string) => {
            const { density: _density, size: _size, ...m } = await sharp(f).metadata();
            // EXIF is compared by presence: its resolution tags follow the density (the source's here, none through raw pixels).
            return { ...m, icc: m.icc?.length, exif: m.exif !== undefined, xmp: undefined };
          };
          expect(await facts(direct.path), name).toEqual(await facts(twoStep.path));
          if (format !== 'png' && !keepMetadata) expect(readFileSync(direct.path).equals(readFileSync(twoStep.path)), `${name}: bytes`).toBe(true);
        }
      }
    }
  }, 60_000);

  it('a damaged file fails as an input error with the two-step path\'s message', async () => {
    const whole = readFileSync(path.join(IMAGES, 'photo-gradient-640x480.jpg'));
    const cut = path.join(dir, 'cut.jpg');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const errorOf = (ops: string[]) => p.processFile(cut, path.join(dir, `cut-${ops.length}.png`), { ops }).then(() => undefined, (e: unknown) => e);
    const [direct, twoStep] = [await errorOf([]), await errorOf([IDENTITY])];
    expect(direct).toBeInstanceOf(InputError);
    expect((direct as Error).message).toBe((twoStep as Error).message);
  });
});
