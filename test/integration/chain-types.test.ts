/**
 * Typed op chains: the library's `ops` take op strings and objects whose
 * names and parameters are checked when compiling (generated from the
 * registry: src/ops/op-params.ts), and plugins add their ops by declaration
 * merging. Checked with the TypeScript API against the built declarations.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { tempDir } from '../fixtures.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Type-checks one module that uses `tilepipe`; returns the errors. */
function check(body: string): string[] {
  const file = path.join(dir, `chain-${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(file, body);
  const program = ts.createProgram([file], {
    strict: true, noEmit: true, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022, skipLibCheck: true, types: [],
    baseUrl: ROOT, paths: { tilepipe: [path.join(ROOT, 'dist/src/index.d.ts')] },
  });
  return ts.getPreEmitDiagnostics(program).map((d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

describe('typed op chains', () => {
  it('accepts every form of a valid chain: names, name:params strings, objects with their parameters', () => {
    expect(check(`
      import { createPipeline, type ChainStep } from 'tilepipe';
      const ops: ChainStep[] = ['invert', 'blur:sigma=2', { op: 'resize', width: 800, fit: 'cover', position: 'north' }, { op: 'blur', sigma: 2, precision: 'approximate' }, { op: 'convolve', matrix: [0, -1, 0, -1, 5, -1, 0, -1, 0] }];
      const p = createPipeline({ workers: 1 });
      export const run = () => p.processBuffer(new Uint8Array(), { ops, format: 'png' });
      export const run2 = () => p.run({ inputs: ['a'], outDir: 'o', ops: ['sharpen', { op: 'median', radius: 2 }] });
    `)).toEqual([]);
  });

  it('a misspelt op, a misspelt parameter, a wrong value type or a missing required parameter is a compile error', () => {
    const errors = check(`
      import type { ChainStep } from 'tilepipe';
      export const a: ChainStep[] = ['blurr:sigma=2'];
      export const b: ChainStep[] = [{ op: 'resize', widht: 800 }];
      export const c: ChainStep[] = [{ op: 'blur', sigma: '2' }];
      export const d: ChainStep[] = [{ op: 'blur', precision: 'rough' }];
      export const e: ChainStep[] = [{ op: 'convolve' }];
      export const f: ChainStep[] = ['sharpn'];
    `);
    expect(errors, errors.join('\n')).toHaveLength(6);
    expect(errors[0]).toMatch(/"blurr:sigma=2"/);
    expect(errors[1]).toMatch(/widht/);
    expect(errors.join('\n')).toMatch(/"sharpn"/);
  });

  it("a plugin's ops join the types by declaration merging", () => {
    expect(check(`
      import type { ChainStep } from 'tilepipe';
      declare module 'tilepipe' {
        interface OpParams { 'my-tint': { strength?: number } }
      }
      export const ops: ChainStep[] = ['my-tint:strength=2', { op: 'my-tint', strength: 0.5 }, 'blur'];
    `)).toEqual([]);
  });
});
