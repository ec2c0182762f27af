/**
 * `tilepipe/client` (client.d.ts) types `?tilepipe` imports: URLs and
 * srcsets are strings, `as=meta` is TilepipeImageMeta, and misuse is a
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
    baseUrl: ROOT, paths: { 'tilepipe/vite': [path.join(ROOT, 'dist/src/integrations/vite.d.ts')] },
  });
  return ts.getPreEmitDiagnostics(program).map((d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

describe('tilepipe/client types', () => {
  it('types every form of ?tilepipe import', () => {
    expect(check(`
      import url from './photo.jpg?tilepipe';
      import url2 from './photo.jpg?tilepipe&op=blur:sigma=2&format=webp&as=url';
      import srcset from './photo.jpg?tilepipe&widths=480,960&as=srcset';
      import meta from './photo.jpg?tilepipe&widths=320,640&format=avif&as=meta';
      const all: string[] = [url, url2, srcset, meta.src, meta.srcset, meta.format];
      const size: number = meta.width * meta.height;
      export { all, size };
    `)).toEqual([]);
  });

  it('reports misuse: a URL is not a number, meta has no "url" field', () => {
    const errors = check(`
      import url from './photo.jpg?tilepipe';
      import meta from './photo.jpg?tilepipe&as=meta';
      export const n: number = url;
      export const u = meta.url;
    `);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^TS2322: Type 'string' is not assignable to type 'number'/);
    expect(errors[1]).toMatch(/^TS2339: Property 'url' does not exist on type 'TilepipeImageMeta'/);
  });
});
