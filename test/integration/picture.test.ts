/**
 * `Pipeline.picture()`, `toHtml()` and the placeholders, from the library, and
 * the Eleventy example (examples/eleventy) built for real: an async shortcode
 * that returns `<picture>` HTML whose images exist and hold the chain's pixels.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { isBlurhashValid } from 'blurhash';
import { thumbHashToApproximateAspectRatio } from 'thumbhash';
import Eleventy from '@11ty/eleventy';
import { createPipeline, toHtml, ValidationError, type Pipeline } from '../../dist/src/index.js';
import { diffPixels, tempDir } from '../fixtures.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const PHOTO = path.join(ROOT, 'test-images', 'photo-gradient-640x480.jpg');

let tmp: string;
let lib: Pipeline;

beforeAll(() => {
  tmp = tempDir('tilepipe-picture-');
  lib = createPipeline({ workers: 2, cacheDir: path.join(tmp, 'cache') });
});

afterAll(async () => {
  await lib?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('Pipeline.picture() and toHtml()', () => {
  it('publishes every width × format under content-hashed names, once, and describes them as a picture', async () => {
    const outDir = path.join(tmp, 'site', 'img');
    const options = { ops: ['grayscale'], formats: ['avif', 'jpeg'], widths: [160, 320], outDir, urlPath: '/img/' } as const;
    const pic = await lib.picture(PHOTO, options);
    expect(pic.sources).toEqual([{ type: 'image/avif', srcset: expect.stringMatching(/^\/img\/photo-gradient-640x480-160\.[0-9a-f]{8}\.avif 160w, \/img\/photo-gradient-640x480-320\.[0-9a-f]{8}\.avif 320w$/) }]);
    expect(pic.img).toEqual({ src: expect.stringMatching(/-320\.[0-9a-f]{8}\.jpg$/), width: 320, height: 240, srcset: expect.stringContaining(' 160w, ') });
    const files = readdirSync(outDir).sort();
    expect(files).toHaveLength(4);
    const jpeg = path.join(outDir, path.basename(pic.img.src));
    expect(await diffPixels(jpeg, await lib.processBuffer(readFileSync(PHOTO), { ops: ['grayscale', 'resize:width=320'], format: 'jpeg' }))).toBe(0);
    // Again: from the cache, and the published files are left as they are.
    const before = statSync(jpeg).mtimeMs;
    expect(await lib.picture(PHOTO, options)).toEqual(pic);
    expect(statSync(jpeg).mtimeMs).toBe(before);

    expect(toHtml(pic, { alt: 'Tom & "Jerry"', sizes: '50vw', loading: 'eager', className: 'hero' })).toBe(
      `<picture><source type="image/avif" srcset="${pic.sources[0].srcset}" sizes="50vw">` +
      `<img src="${pic.img.src}" srcset="${pic.img.srcset}" sizes="50vw" width="320" height="240" alt="Tom &amp; &quot;Jerry&quot;" class="hero" loading="eager" decoding="async"></picture>`,
    );
  });

  it('adds each kind of placeholder, made from the processed image and cached beside it', async () => {
    const outDir = path.join(tmp, 'site2');
    const of = async (placeholder: 'thumbhash' | 'blurhash' | 'dominant' | 'lqip', ops: string[] = ['resize:width=200']) =>
      (await lib.picture(PHOTO, { ops, formats: ['webp'], outDir, placeholder })).placeholder!;
    expect(thumbHashToApproximateAspectRatio(Buffer.from(await of('thumbhash'), 'base64'))).toBeGreaterThan(1.2);
    expect(isBlurhashValid(await of('blurhash'))).toEqual({ result: true });
    const lqip = await of('lqip');
    expect(lqip).toMatch(/^data:image\/webp;base64,/);
    expect(toHtml({ sources: [], img: { src: '/a.webp', width: 1, height: 1 }, placeholder: lqip })).toContain(`style="background-size:cover;background-image:url(${lqip})"`);
    // After the chain: the dominant colour of the inverted photo is the inverse of the photo's.
    const [plain, inverted] = [await of('dominant'), await of('dominant', ['resize:width=200', 'invert'])];
    expect(plain).toMatch(/^#[0-9a-f]{6}$/);
    const rgb = (hex: string): number[] => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    for (const [a, b] of rgb(plain).map((v, i) => [v, rgb(inverted)[i]])) expect(Math.abs(a + b - 255)).toBeLessThanOrEqual(24);
    const kept = (readdirSync(path.join(tmp, 'cache'), { recursive: true }) as string[]).filter((f) => f.endsWith('.txt')).map((f) => f.split('.').at(-2));
    expect(new Set(kept)).toEqual(new Set(['thumbhash', 'blurhash', 'lqip', 'dominant']));
    await expect(lib.picture(PHOTO, { placeholder: 'mosaic' as 'lqip' })).rejects.toThrow(ValidationError);
  });

  it('names outputs with characters a URL and a srcset take as they are (a space or comma would split a srcset)', async () => {
    const odd = path.join(tmp, 'my photo, 2024 (1).jpg');
    copyFileSync(PHOTO, odd);
    const pic = await lib.picture(odd, { formats: ['webp'], widths: [100, 200], outDir: path.join(tmp, 'site3') });
    expect(pic.img.srcset).toMatch(/^\/img\/my_photo_2024_1_-100\.[0-9a-f]{8}\.webp 100w, \/img\/my_photo_2024_1_-200\.[0-9a-f]{8}\.webp 200w$/);
  });
});

describe('the Eleventy example', () => {
  it('builds a page whose shortcode renders <picture> HTML over images that exist and hold the chain\'s pixels', async () => {
    const out = path.join(tmp, '_site');
    const site = new Eleventy(path.join(ROOT, 'examples', 'eleventy'), out, { configPath: path.join(ROOT, 'examples', 'eleventy', 'eleventy.config.js'), quietMode: true });
    await site.write();
    const html = readFileSync(path.join(out, 'index.html'), 'utf8');
    const picture = /<picture>.*<\/picture>/s.exec(html)?.[0];
    expect(picture).toMatch(/^<picture><source type="image\/avif" srcset="[^"]+"[^>]*><source type="image\/webp"[^>]*><img src="\/img\/[^"]+\.jpg"[^>]* width="640" height="480" alt="A gradient photo" loading="lazy" decoding="async" style="background-color:#[0-9a-f]{6}"><\/picture>$/);
    const urls = [...picture!.matchAll(/\/img\/[^" ,]+/g)].map((m) => m[0]);
    expect(new Set(urls)).toEqual(new Set(readdirSync(path.join(out, 'img')).map((f) => `/img/${f}`)));
    expect(urls.length).toBeGreaterThanOrEqual(6);
    const jpeg = path.join(out, /<img src="([^"]+)"/.exec(picture!)![1]);
    expect(await diffPixels(jpeg, await lib.processBuffer(readFileSync(PHOTO), { ops: ['sharpen'], format: 'jpeg' }))).toBe(0);
    expect((await sharp(path.join(out, urls.find((u) => u.endsWith('.avif'))!)).metadata()).format).toBe('heif');
  }, 120_000);
});
