/**
 * `tilepipe/client` (client.d.ts) types `?tilepipe` imports: URLs and
 * srcsets and picture HTML are strings, `as=meta` is ImageMeta, `as=picture`
 * is Picture, and misuse is a
 * type error (the declarations are not `any`).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { tempDir } from '../fixtures.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Type-checks one module that imports images, with tilepipe's client types; returns the errors. */
function check(body: string): string[] {
  const file = path.join(dir, `check-${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(file, `/// <reference path=${JSON.stringify(path.join(ROOT, 'client.d.ts'))} />\n${body}\n`);
  const program = ts.createProgram([file], {
    strict: true, noEmit: true, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022, skipLibCheck: true, types: [],
    baseUrl: ROOT, paths: { tilepipe: [path.join(ROOT, 'dist/src/index.d.ts')] },
  });
  return ts.getPreEmitDiagnostics(program).map((d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

describe('tilepipe/client types', () => {
  it('types every form of ?tilepipe import', () => {
    expect(check(`
      import url from './photo.jpg?tilepipe';
      import url2 from './photo.jpg?tilepipe&op=blur:sigma=2&format=webp&as=url';
      import srcset from './photo.jpg?tilepipe&widths=480,960&as=srcset';
      import meta from './photo.jpg?tilepipe&widths=320,640&format=avif&placeholder=thumbhash&as=meta';
      import picture from './photo.jpg?tilepipe&format=avif,webp,jpeg&widths=480,960&placeholder=lqip&as=picture';
      import html from './photo.jpg?tilepipe&format=webp,jpeg&sizes=50vw&as=picture-html';
      const all: string[] = [url, url2, srcset, meta.src, meta.srcset, meta.format, html, picture.img.src, ...picture.sources.map((s) => s.type + s.srcset)];
      const optional: Array<string | undefined> = [meta.placeholder, picture.placeholder, picture.img.srcset];
      const size: number = meta.width * meta.height + picture.img.width * picture.img.height;
      export { all, optional, size };
    `)).toEqual([]);
  });

  it('reports misuse: a URL is not a number, meta has no "url" field, a picture no "src" or "sources[0].media", its HTML is a string', () => {
    const errors = check(`
      import url from './photo.jpg?tilepipe';
      import meta from './photo.jpg?tilepipe&as=meta';
      import picture from './photo.jpg?tilepipe&format=webp,jpeg&as=picture';
      import html from './photo.jpg?tilepipe&format=webp,jpeg&as=picture-html';
      export const n: number = url;
      export const u = meta.url;
      export const s = picture.src;
      export const m = picture.sources[0].media;
      export const h = html.sources;
      export const p: number = meta.placeholder;
    `);
    expect(errors).toHaveLength(6);
    expect(errors[0]).toMatch(/^TS2322: Type 'string' is not assignable to type 'number'/);
    expect(errors[1]).toMatch(/^TS2339: Property 'url' does not exist on type 'ImageMeta'/);
    expect(errors[2]).toMatch(/^TS2339: Property 'src' does not exist on type 'Picture'/);
    expect(errors[3]).toMatch(/^TS2339: Property 'media' does not exist on type 'PictureSource'/);
    expect(errors[4]).toMatch(/^TS2339: Property 'sources' does not exist on type 'string'/);
    expect(errors[5]).toMatch(/^TS2322: Type 'string \| undefined' is not assignable to type 'number'/);
  });
});
