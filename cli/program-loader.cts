/**
 * Loads the CLI's program bundle (dist/bin/program.cjs) as Node's `require()`
 * would, but compiled with a V8 code cache that the build wrote beside it
 * (scripts/code-cache.mjs, after a run of the program): the functions a run
 * uses then start compiled instead of being parsed and compiled at every start
 * (docs/performance.md, "Fixed costs"). Node 20 has no compile cache of its
 * own (`module.enableCompileCache()` is Node 22).
 *
 * The cache names the SHA-256 of the source it was made from, and of itself: a
 * cache of another build, or a damaged one, is not offered to V8, which itself
 * rejects a cache of another V8 version or other flags. Without a usable
 * cache the program compiles as it would under `require()`. Unlike under
 * `require()`, `--enable-source-maps` does not map the bundle's stack frames
 * back to the TypeScript sources.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Script } from 'node:vm';

/** What became of the code cache: used, refused by V8, made from another source or damaged, or missing. */
export type CacheUse = 'accepted' | 'rejected' | 'stale' | 'absent';

/** A loaded program. */
export interface LoadedProgram {
  /** The bundle's `module.exports`. */
  readonly exports: unknown;
  /** What became of the code cache. */
  readonly cache: CacheUse;
  /** The compiled bundle, whose code cache {@link saveProgramCache} writes. */
  readonly script: Script;
  /** SHA-256 of the source compiled, which the saved cache names. */
  readonly sourceHash: string;
}

const MAGIC = 'tilepipe code cache 1';
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** The V8 data of `cacheFile` if it was made from `source` and is intact; else why not. */
function readCache(cacheFile: string, sourceHash: string): { data?: Buffer; use: CacheUse } {
  let file: Buffer;
  try {
    file = readFileSync(cacheFile);
  } catch {
    return { use: 'absent' };
  }
  const header = `${MAGIC}\n${sourceHash}\n`;
  const end = header.length + 65;
  if (file.length <= end || file.toString('latin1', 0, header.length) !== header) return { use: 'stale' };
  const data = file.subarray(end);
  return file.toString('latin1', header.length, end) === `${sha256(data)}\n` ? { data, use: 'accepted' } : { use: 'stale' };
}

/**
 * Loads the CommonJS bundle `file` with the code cache `cacheFile`, and lends
 * it this module's `import()` (src/model/module-import.ts): code compiled by
 * `vm` cannot call `import()` on Node 20.
 */
export function loadProgram(file: string, cacheFile = `${file}.cache`): LoadedProgram {
  const source = readFileSync(file);
  const sourceHash = sha256(source);
  const { data, use } = readCache(cacheFile, sourceHash);
  // The wrapper of Node's CommonJS loader: the same five names, and the same line numbers in stacks.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${source.toString('utf8')}\n})`, { filename: file, cachedData: data });
  (globalThis as Record<symbol, unknown>)[Symbol.for('tilepipe.hostImport')] = (specifier: string) => import(specifier);
  const module = { exports: {} as unknown };
  (script.runInThisContext() as (this: unknown, ...args: unknown[]) => void).call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  return { exports: module.exports, cache: use === 'accepted' && script.cachedDataRejected ? 'rejected' : use, script, sourceHash };
}

/**
 * Writes the code cache of a loaded program (after running it, so that it
 * holds what the run compiled), atomically, naming the source that was
 * compiled (not the file as it is now: a rebuild meanwhile must not get it).
 */
export function saveProgramCache(program: LoadedProgram, file: string, cacheFile = `${file}.cache`): number {
  const data = program.script.createCachedData();
  const temp = `${cacheFile}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, Buffer.concat([Buffer.from(`${MAGIC}\n${program.sourceHash}\n${sha256(data)}\n`, 'latin1'), data]));
    renameSync(temp, cacheFile);
  } finally {
    rmSync(temp, { force: true });
  }
  return data.length;
}
