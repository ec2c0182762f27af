/**
 * The bundler plugin on every bundler (`tilepipe/vite`, `/rollup`,
 * `/webpack`, `/rspack`, `/esbuild`): a real build of one small app that
 * imports a URL, a `<picture>` with three formats and a placeholder, picture
 * HTML, and meta with a ThumbHash. The emitted assets are hashed, the built
 * JS refers to exactly them, their pixels equal the library's output, and a
 * bad chain fails the build naming the file and the op.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createPipeline, makePlaceholder, type Picture, type Pipeline } from '../../dist/src/index.js';
import { thumbHashToApproximateAspectRatio } from 'thumbhash';
import type { ImageMeta } from '../../dist/src/web/picture.js';
import { diffPixels } from '../fixtures.js';
import { BUILDERS, fileOfUrl, imagesIn, runBundle } from './bundlers-helpers.js';

const FIXTURE = path.join(import.meta.dirname, '..', 'fixtures', 'bundler-app');
const PHOTO = path.join(import.meta.dirname, '..', '..', 'test-images', 'photo-gradient-640x480.jpg');

let tmp: string;
let app: string;
let lib: Pipeline;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tilepipe-bundlers-'));
  app = path.join(tmp, 'app');
  cpSync(FIXTURE, app, { recursive: true });
  cpSync(PHOTO, path.join(app, 'photo.jpg'));
  lib = createPipeline({ workers: 2, cacheDir: false });
});

afterAll(async () => {
  await lib?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

interface Demo {
  blurred: string;
  picture: Picture;
  html: string;
  meta: ImageMeta;
}

/** The URLs in a srcset, with their widths. */
const srcsetEntries = (srcset: string): Array<[string, number]> => srcset.split(', ').map((e) => {
  const [u, w] = e.split(' ');
  return [u, parseInt(w, 10)];
});

describe.each(Object.keys(BUILDERS))('%s build', (name) => {
  let outDir: string;
  let demo: Demo;

  beforeAll(async () => {
    outDir = path.join(tmp, `dist-${name}`);
    // One cache for all the bundlers, as a project that switches bundlers would have.
    const entry = await BUILDERS[name](app, 'main.js', outDir, { workers: 2, cacheDir: path.join(tmp, 'cache') });
    demo = runBundle(entry) as Demo;
  }, 120_000);

  it('emits hashed assets, and the JS refers to exactly them, at their real sizes and formats', async () => {
    const urls = [
      demo.blurred, demo.meta.src,
      ...demo.picture.sources.flatMap((s) => srcsetEntries(s.srcset).map(([u]) => u)), ...srcsetEntries(demo.picture.img.srcset!).map(([u]) => u),
      ...[...demo.html.matchAll(/(?:src|srcset)="([^"]*)"/g)].flatMap((m) => m[1].split(', ').map((e) => e.split(' ')[0])),
    ];
    const files = new Set(urls.map((u) => path.relative(outDir, fileOfUrl(u, outDir)).split(path.sep).join('/')));
    // 1 blurred + 6 picture (3 formats × 2 widths) + 1 meta; the HTML's webp/jpeg at 200 and 400 are the picture's own bytes,
    // and each bundler names an asset after its content, so they may share files.
    expect(new Set(imagesIn(outDir))).toEqual(files);
    for (const f of files) {
      expect(path.basename(f), f).toMatch(/^photo(-\d+)?-[\w-]{8}\.(webp|avif|jpg|png)$/);
      expect(existsSync(path.join(outDir, f))).toBe(true);
    }
    for (const [u, w] of [...demo.picture.sources.flatMap((s) => srcsetEntries(s.srcset)), ...srcsetEntries(demo.picture.img.srcset!)]) {
      const m = await sharp(fileOfUrl(u, outDir)).metadata();
      expect(m.width, u).toBe(w);
    }
    expect((await sharp(fileOfUrl(demo.meta.src, outDir)).metadata()).format).toBe('png');
  });

  it('exports the picture (sources per format, the last as <img>), its HTML and the meta, with placeholders', async () => {
    const { picture, html, meta } = demo;
    expect(picture.sources.map((s) => s.type)).toEqual(['image/avif', 'image/webp']);
    expect(picture.sources.map((s) => srcsetEntries(s.srcset).map(([, w]) => w))).toEqual([[200, 400], [200, 400]]);
    expect(picture.img).toMatchObject({ width: 400, height: 300 });
    expect(picture.img.src).toMatch(/\.jpg$/);
    expect(picture.placeholder).toMatch(/^data:image\/webp;base64,/);
    const lqip = await sharp(Buffer.from(picture.placeholder!.split(',')[1], 'base64')).metadata();
    expect([lqip.format, lqip.width, lqip.height]).toEqual(['webp', 24, 18]);

    expect(html).toMatch(/^<picture><source type="image\/webp" srcset="[^"]+ 200w, [^"]+ 400w" sizes="50vw"><img src="[^"]+\.jpg" srcset="[^"]+" sizes="50vw" width="400" height="300" alt="A &quot;photo&quot;" loading="lazy" decoding="async"><\/picture>$/);

    expect(meta).toMatchObject({ width: 100, height: 75, format: 'png' });
    // The ThumbHash of the processed image (after the chain), with its aspect ratio.
    const processed = await lib.processBuffer(readFileSync(PHOTO), { ops: ['resize:width=100'], format: 'png' });
    expect(meta.placeholder).toBe(await makePlaceholder('thumbhash', processed));
    // Placeholders are cached with the outputs they were made from.
    const kept = (readdirSync(path.join(tmp, 'cache'), { recursive: true }) as string[]).map((f) => f.split('.').slice(-2).join('.'));
    expect(kept).toEqual(expect.arrayContaining(['lqip.txt', 'thumbhash.txt']));
    const ratio = thumbHashToApproximateAspectRatio(Buffer.from(meta.placeholder!, 'base64')); // 4:3, roughly (ThumbHash stores it coarsely)
    expect(ratio).toBeGreaterThan(1.2);
    expect(ratio).toBeLessThan(1.5);
  });

  it("the emitted pixels equal the library's output of the same chain (pixelmatch, threshold 0)", async () => {
    const input = readFileSync(PHOTO);
    expect(await diffPixels(fileOfUrl(demo.blurred, outDir), await lib.processBuffer(input, { ops: ['blur:sigma=2'], format: 'webp' }))).toBe(0);
    const jpeg400 = await lib.processBuffer(input, { ops: ['resize:width=400'], format: 'jpeg' });
    expect(await diffPixels(fileOfUrl(demo.picture.img.src, outDir), jpeg400)).toBe(0);
  });

  it('fails the build on a bad chain, naming the file and the op', async () => {
    await expect(BUILDERS[name](app, 'bad.js', path.join(tmp, `bad-${name}`), { workers: 1, cacheDir: path.join(tmp, 'cache') }))
      .rejects.toThrow(/photo\.jpg: unknown operation "blurr"/);
  }, 60_000);

  it('fails the build on a missing image or a file that is not an image, naming it', async () => {
    const options = { workers: 1, cacheDir: path.join(tmp, 'cache') };
    await expect(BUILDERS[name](app, 'missing.js', path.join(tmp, `missing-${name}`), options)).rejects.toThrow(/nope\.jpg/);
    await expect(BUILDERS[name](app, 'not-image.js', path.join(tmp, `not-image-${name}`), options)).rejects.toThrow(/package\.json\b.*(unsupported image format|not an image|Input file)/i);
  }, 60_000);
});
