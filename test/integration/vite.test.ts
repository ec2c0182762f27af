/**
 * The Vite plugin (`tilepipe/vite`), end to end: a real `vite build` and a
 * real `vite dev` server on a temp copy of test/fixtures/vite-app, checked
 * against the library's own output.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { build, createServer, type ViteDevServer } from 'vite';
import { createPipeline, type Pipeline } from '../../dist/src/index.js';
import tilepipe, { parseTilepipeId } from '../../dist/src/integrations/vite.js';
import { diffPixels } from '../fixtures.js';

const FIXTURE = path.join(import.meta.dirname, '..', 'fixtures', 'vite-app');
const PHOTO = path.join(import.meta.dirname, '..', '..', 'test-images', 'photo-gradient-640x480.jpg');

let tmp: string;
let app: string;
let lib: Pipeline;
let input: Buffer;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tilepipe-vite-'));
  app = path.join(tmp, 'app');
  cpSync(FIXTURE, app, { recursive: true });
  cpSync(PHOTO, path.join(app, 'photo.jpg'));
  input = readFileSync(PHOTO);
  lib = createPipeline({ workers: 2, cacheDir: false });
});

afterAll(async () => {
  await lib?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Runs a built ES module in a fresh Node process and returns what it stored in globalThis.tilepipeDemo. */
function evaluateBundle(file: string): Record<string, unknown> {
  const code = `await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(JSON.stringify(globalThis.tilepipeDemo));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' })) as Record<string, unknown>;
}

describe('query parsing', () => {
  it('reads op (repeated, in order), format, widths, quality and as; ignores ids without the marker', () => {
    expect(parseTilepipeId('/a/p.jpg?tilepipe&op=resize:width=800&op=sharpen&widths=480,960&quality=70&as=srcset&import')).toEqual({
      file: '/a/p.jpg', ops: ['resize:width=800', 'sharpen'], formats: ['webp'], widths: [480, 960], quality: 70, as: 'srcset',
    });
    expect(parseTilepipeId('/a/p.jpg?tilepipe&format=jpg')).toMatchObject({ ops: [], formats: ['jpeg'], as: 'url' });
    expect(parseTilepipeId('/a/p.jpg?url')).toBeUndefined();
    expect(parseTilepipeId('/a/p.jpg')).toBeUndefined();
  });

  it('refuses a bad query with a message naming the problem', () => {
    expect(() => parseTilepipeId('/p.jpg?tilepipe&widht=3')).toThrow(/unknown query parameter "widht"/);
    expect(() => parseTilepipeId('/p.jpg?tilepipe&format=bmp')).toThrow(/format must be one of/);
    expect(() => parseTilepipeId('/p.jpg?tilepipe&widths=0,x')).toThrow(/widths must be a non-empty list of integers in \[1, 100000\]/);
    expect(() => parseTilepipeId('/p.jpg?tilepipe&quality=101')).toThrow(/quality must be an integer/);
    expect(() => parseTilepipeId('/p.jpg?tilepipe&as=json')).toThrow(/as must be one of/);
    expect(() => parseTilepipeId('/p.jpg?tilepipe&widths=1,2')).toThrow(/as=srcset/);
    expect(() => parseTilepipeId('/p.jpg?tilepipe&format=webp,avif')).toThrow(/2 formats make more than one image: add &as=picture/);
    expect(() => parseTilepipeId('/p.jpg?tilepipe&format=webp,webp&as=picture')).toThrow(/with a format twice/);
    expect(() => parseTilepipeId('/p.jpg?tilepipe&format=avif,jpeg&as=picture&lossless')).toThrow(/lossless.*jpeg|jpeg.*lossless/);
    expect(() => parseTilepipeId('/p.jpg?tilepipe&placeholder=blurhash')).toThrow(/placeholder needs &as=meta/);
    expect(() => parseTilepipeId('/p.jpg?tilepipe&as=meta&placeholder=jpeg')).toThrow(/placeholder must be one of thumbhash, blurhash, dominant, lqip/);
    expect(() => parseTilepipeId('/p.jpg?tilepipe&as=picture&sizes=100vw')).toThrow(/sizes needs &as=picture-html/);
    expect(() => parseTilepipeId('/p.jpg?tilepipe&as=picture-html&alt=%00U0%00')).toThrow(/"alt" holds a control character/);
    expect(parseTilepipeId('/p.jpg?tilepipe&format=avif,webp&widths=480,960&as=picture-html&sizes=50vw&alt=A%20b&placeholder=lqip')).toEqual({
      file: '/p.jpg', ops: [], formats: ['avif', 'webp'], widths: [480, 960], as: 'picture-html', sizes: '50vw', alt: 'A b', placeholder: 'lqip',
    });
  });
});

describe('vite build', () => {
  let assets: string;
  let files: string[];
  let js: string;

  beforeAll(async () => {
    await build({
      root: app,
      configFile: false,
      logLevel: 'silent',
      cacheDir: path.join(app, '.vite'),
      plugins: [tilepipe({ workers: 2, cacheDir: 'tilepipe-cache' })],
      build: { outDir: 'dist', emptyOutDir: true, modulePreload: { polyfill: false } },
    });
    assets = path.join(app, 'dist', 'assets');
    files = readdirSync(assets).sort();
    const entry = files.find((f) => f.endsWith('.js'));
    if (!entry) throw new Error(`no JS in ${assets}: ${files.join(', ')}`);
    js = path.join(assets, entry);
  });

  it('emits every output as a hashed asset, referred to by the built JS and stored in the cache folder', () => {
    const images = files.filter((f) => !f.endsWith('.js'));
    expect(images).toHaveLength(4);
    expect(images.filter((f) => /^photo-[\w-]{8}\.webp$/.test(f))).toHaveLength(1);
    expect(images.filter((f) => /^photo-320-[\w-]{8}\.webp$/.test(f))).toHaveLength(1);
    expect(images.filter((f) => /^photo-480-[\w-]{8}\.webp$/.test(f))).toHaveLength(1);
    expect(images.filter((f) => /^photo-[\w-]{8}\.png$/.test(f))).toHaveLength(1);
    const code = readFileSync(js, 'utf8');
    for (const f of images) expect(code).toContain(`/assets/${f}`);
    expect(readFileSync(path.join(app, 'dist', 'index.html'), 'utf8')).toContain(`/assets/${path.basename(js)}`);
    const cached = (readdirSync(path.join(app, 'tilepipe-cache'), { recursive: true }) as string[]).filter((f) => /\.(webp|png)$/.test(f));
    expect(cached).toHaveLength(4);
  });

  it('exports the URL, the srcset string and the meta object the fixture asked for', async () => {
    const demo = evaluateBundle(js);
    const blurred = files.find((f) => /^photo-[\w-]{8}\.webp$/.test(f));
    const [w320, w480] = [320, 480].map((w) => files.find((f) => f.startsWith(`photo-${w}-`)));
    const png = files.find((f) => f.endsWith('.png'));
    expect(demo.blurred).toBe(`/assets/${blurred}`);
    expect(demo.srcset).toBe(`/assets/${w320} 320w, /assets/${w480} 480w`);
    expect(demo.thumb).toEqual({ src: `/assets/${png}`, width: 200, height: 150, format: 'png', srcset: `/assets/${png} 200w` });
    for (const [f, w, h] of [[w320, 320, 240], [w480, 480, 360], [png, 200, 150]] as const) {
      const m = await sharp(path.join(assets, f!)).metadata();
      expect([m.width, m.height]).toEqual([w, h]);
    }
  });

  it("the emitted images' pixels equal the library's own output of the same chain (pixelmatch, threshold 0)", async () => {
    const blurred = path.join(assets, files.find((f) => /^photo-[\w-]{8}\.webp$/.test(f))!);
    const expected = await lib.processBuffer(input, { ops: ['blur:sigma=2'], format: 'webp' });
    expect(await diffPixels(blurred, expected)).toBe(0);
    // The chain really ran: the emitted image is not the untouched photo.
    expect(await diffPixels(blurred, await sharp(input).webp().toBuffer())).toBeGreaterThan(1000);
    const png = path.join(assets, files.find((f) => f.endsWith('.png'))!);
    const expectedPng = await lib.processBuffer(input, { ops: ['resize:width=200', 'sharpen'], format: 'png' });
    expect(await diffPixels(png, expectedPng)).toBe(0);
  });

  it('fails the build on an invalid chain, naming the file and the bad op', async () => {
    writeFileSync(path.join(app, 'bad.js'), "import u from './photo.jpg?tilepipe&op=blur:sigma=2&op=blurr';\nconsole.log(u);\n");
    await expect(build({
      root: app,
      configFile: false,
      logLevel: 'silent',
      cacheDir: path.join(app, '.vite'),
      plugins: [tilepipe({ workers: 1, cacheDir: 'tilepipe-cache' })],
      build: { outDir: 'dist-bad', rollupOptions: { input: path.join(app, 'bad.js') } },
    })).rejects.toThrow(/photo\.jpg: unknown operation "blurr"/);
    expect(existsSync(path.join(app, 'dist-bad'))).toBe(false);
  });
});

describe('vite dev', () => {
  let server: ViteDevServer;
  let origin: string;

  beforeAll(async () => {
    server = await createServer({
      root: app,
      configFile: false,
      logLevel: 'silent',
      cacheDir: path.join(app, '.vite-dev'),
      plugins: [tilepipe({ workers: 2, cacheDir: 'tilepipe-cache-dev' })],
      server: { host: '127.0.0.1', port: 0, watch: null, hmr: false },
      optimizeDeps: { noDiscovery: true, include: [] },
    });
    await server.listen();
    origin = `http://127.0.0.1:${(server.httpServer!.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await server?.close();
  });

  /** Fetches a module and returns the value of its default export (our modules are one expression). */
  async function defaultExport(url: string): Promise<unknown> {
    const res = await fetch(origin + url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    const code = await res.text();
    return new Function(code.replace(/^export default /m, 'return '))() as unknown;
  }

  it('serves the processed image from the cache at the URL the module exports', async () => {
    const main = await (await fetch(`${origin}/main.js`)).text();
    const imports = [...main.matchAll(/from\s+"([^"]*\?[^"]*tilepipe[^"]*)"/g)].map((m) => m[1]);
    expect(imports).toHaveLength(3);
    const url = await defaultExport(imports.find((u) => u.includes('blur'))!);
    expect(url).toMatch(/^\/@tilepipe\/[0-9a-f]+\.webp$/);
    const res = await fetch(origin + (url as string));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
    const body = Buffer.from(await res.arrayBuffer());
    const m = await sharp(body).metadata();
    expect([m.format, m.width, m.height]).toEqual(['webp', 640, 480]);
    expect(await diffPixels(body, await lib.processBuffer(input, { ops: ['blur:sigma=2'], format: 'webp' }))).toBe(0);

    const srcset = await defaultExport(imports.find((u) => u.includes('as=srcset'))!);
    const entries = (srcset as string).split(', ').map((e) => e.split(' '));
    expect(entries.map(([, w]) => w)).toEqual(['320w', '480w']);
    for (const [u, w] of entries) {
      const r = await fetch(origin + u);
      expect(r.status).toBe(200);
      expect((await sharp(Buffer.from(await r.arrayBuffer())).metadata()).width).toBe(parseInt(w, 10));
    }
    const thumb = await defaultExport(imports.find((u) => u.includes('as=meta'))!);
    expect(thumb).toMatchObject({ width: 200, height: 150, format: 'png', src: expect.stringMatching(/^\/@tilepipe\/[0-9a-f]+\.png$/) });
    expect((await fetch(origin + (thumb as { src: string }).src)).headers.get('content-type')).toBe('image/png');

    expect((await fetch(`${origin}/@tilepipe/0123456789abcdef.webp`)).status).toBe(404);

    // Cleared cache while the server runs: an output it handed out is made again on request.
    rmSync(path.join(app, 'tilepipe-cache-dev'), { recursive: true, force: true });
    const again = await fetch(origin + (url as string));
    expect(again.status).toBe(200);
    expect(Buffer.from(await again.arrayBuffer()).equals(body)).toBe(true);
  });

  it('an invalid query fails the import with an error naming the file and the bad op or parameter', async () => {
    await expect(server.transformRequest('/photo.jpg?tilepipe&op=blurr')).rejects.toThrow(/photo\.jpg: unknown operation "blurr"/);
    await expect(server.transformRequest('/photo.jpg?tilepipe&op=blur:sigma=-1')).rejects.toThrow(/photo\.jpg: blur: parameter "sigma"/);
    await expect(server.transformRequest('/photo.jpg?tilepipe&widht=300')).rejects.toThrow(/photo\.jpg: unknown query parameter "widht"/);
  });
});
