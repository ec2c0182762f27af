/**
 * The source tree stays as CONTRIBUTING.md describes it: every file named on
 * its folder's line of the layout, no file over 250 lines (the AssemblyScript
 * kernels aside), and no import circle.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(import.meta.dirname, '..', '..');

/** Every .ts/.cts file below `dir`, relative to the repo root. */
function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const rel = `${dir}/${name}`;
    if (statSync(path.join(ROOT, rel)).isDirectory()) return rel === 'src/kernels/simd' ? [] : sources(rel);
    return /\.c?ts$/.test(name) ? [rel] : [];
  });
}

const files = [...sources('src'), ...sources('cli')];

describe('source layout', () => {
  it('CONTRIBUTING.md names every source file on the line of its folder', () => {
    const text = readFileSync(path.join(ROOT, 'CONTRIBUTING.md'), 'utf8');
    const block = text.slice(text.indexOf('## Layout'));
    const lines = block.slice(block.indexOf('```') + 3, block.indexOf('```', block.indexOf('```') + 3)).trim().split('\n');
    const lineOf = (folder: string): string | undefined => lines.find((l) => {
      const first = l.split(/\s+/)[0].replace(/,$/, '');
      // The folder's own line (`src/io/  read, …`), or a line that starts with a file of it (`src/index.ts, …`).
      return first.replace(/\/$/, '') === folder || (first.startsWith(`${folder}/`) && !first.slice(folder.length + 1).includes('/'));
    });
    const missing: string[] = [];
    for (const f of files) {
      const folder = path.posix.dirname(f);
      const stem = path.posix.basename(f).replace(/\.c?ts$/, '');
      const line = lineOf(folder) ?? lineOf(path.posix.dirname(folder));
      if (!line || !(new RegExp(`\\b${stem}\\b`).test(line) || line.includes('one file per operation') || /<name>\//.test(line) && /kernels\/[a-z]+\//.test(f))) missing.push(f);
    }
    expect(missing).toEqual([]);
  });

  it('no source, benchmark or test file is longer than about 250 lines', () => {
    const all = [...files, ...sources('bench'), ...sources('test')];
    const long = all.map((f) => [f, readFileSync(path.join(ROOT, f), 'utf8').split('\n').length] as const).filter(([, n]) => n > 260);
    expect(long).toEqual([]);
  });

  it('the CommonJS packages a plain run loads are loaded with require(), never through a static ES import', () => {
    // Through Node's ESM loader a CommonJS package loads about twice as slowly (sharp: ~120 against ~65 ms).
    // (fast-glob is imported statically only by cli/watch.ts, itself loaded only for --watch.)
    const commonJs = ['sharp', 'commander', 'lilconfig', 'piscina', 'proper-lockfile', 'exif-reader'];
    const found = files.flatMap((f) => [...readFileSync(path.join(ROOT, f), 'utf8').matchAll(/^import\s+(?!type\b)[^;]*?from\s+'([^']+)'/gm)]
      .filter((m) => commonJs.includes(m[1]))
      .map((m) => `${f}: ${m[1]}`));
    expect(found).toEqual([]);
  });

  it('no module finds a file of the package relative to itself: the CLI bundle (dist/bin) moves the modules, so they go through src/model/package-files.ts', () => {
    const found = files.filter((f) => /new URL\(\s*['"`]\.\.?\//.test(readFileSync(path.join(ROOT, f), 'utf8')));
    expect(found).toEqual([]);
  });

  it('import() of anything but a relative module goes through src/model/module-import.ts: the CLI compiles its bundle with vm, where import() does not work on Node 20', () => {
    const found = files.filter((f) => !['src/model/module-import.ts', 'cli/program-loader.cts'].includes(f))
      .flatMap((f) => readFileSync(path.join(ROOT, f), 'utf8').split('\n').filter((l) => !/^\s*(\*|\/\/)/.test(l) && /(?<!typeof )\bimport\((?!\s*['"]\.)/.test(l)).map((l) => `${f}: ${l.trim()}`));
    expect(found).toEqual([]);
  });

  it('no import circle, type imports included', () => {
    const graph = new Map<string, string[]>();
    for (const f of files) {
      const deps = [...readFileSync(path.join(ROOT, f), 'utf8').matchAll(/^(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'/gm)]
        .map((m) => path.posix.normalize(path.posix.join(path.posix.dirname(f), m[1])).replace(/\.js$/, '.ts').replace(/\.cjs$/, '.cts'));
      graph.set(f, deps);
    }
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (n: string): void => {
      state.set(n, 'open');
      stack.push(n);
      for (const d of graph.get(n) ?? []) {
        if (state.get(d) === 'open') cycles.push([...stack.slice(stack.indexOf(d)), d].join(' -> '));
        else if (!state.has(d)) visit(d);
      }
      stack.pop();
      state.set(n, 'done');
    };
    for (const n of graph.keys()) if (!state.has(n)) visit(n);
    expect(cycles).toEqual([]);
  });
});
