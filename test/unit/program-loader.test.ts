/**
 * The command compiles its program bundle with the V8 code cache the build
 * wrote (cli/program-loader.cts): the cache is used when it was made from
 * this very source, never otherwise, and the program runs the same either way.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLI } from '../cli-runner.js';
import { syntheticPng } from '../fixtures.js';

const ROOT = path.join(import.meta.dirname, '..', '..');
const LOADER = path.join(ROOT, 'dist', 'cli', 'program-loader.cjs');

/** Runs `script` in a fresh Node with the loader as `loader`; returns its stdout's JSON. */
function inNode(script: string): { cache: string; value?: unknown } {
  const res = spawnSync(process.execPath, ['-e', `const loader = require(${JSON.stringify(LOADER)}); ${script}`], { encoding: 'utf8' });
  expect(res.stderr).toBe('');
  return JSON.parse(res.stdout) as { cache: string; value?: unknown };
}

describe('program loader', () => {
  it('the built command\'s cache is accepted by this Node', () => {
    const program = path.join(ROOT, 'dist', 'bin', 'program.cjs');
    expect(inNode(`const p = loader.loadProgram(${JSON.stringify(program)}); console.log(JSON.stringify({ cache: p.cache, value: typeof p.exports.run }))`))
      .toEqual({ cache: 'accepted', value: 'function' });
  });

  it('a cache is used only for the source it was made from, intact: absent, accepted, stale after a same-length edit or damage, rejected by V8', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tilepipe-loader-'));
    try {
      const program = path.join(dir, 'program.cjs');
      const load = `const p = loader.loadProgram(${JSON.stringify(program)}); console.log(JSON.stringify({ cache: p.cache, value: p.exports.answer() }));`;
      const source = (n: number): string => `"use strict";\nfunction answer() { return ${n}; }\nmodule.exports = { answer };\n`;
      writeFileSync(program, source(41));
      expect(inNode(load)).toEqual({ cache: 'absent', value: 41 });
      inNode(`const p = loader.loadProgram(${JSON.stringify(program)}); p.exports.answer(); loader.saveProgramCache(p, ${JSON.stringify(program)}); console.log('{"cache":"saved"}')`);
      expect(inNode(load)).toEqual({ cache: 'accepted', value: 41 });

      // The same length: V8's own check compares lengths only, so the header's hash is what refuses the cache.
      writeFileSync(program, source(42));
      expect(inNode(load)).toEqual({ cache: 'stale', value: 42 });
      writeFileSync(program, source(41));
      const cache = readFileSync(`${program}.cache`);
      const damaged = Buffer.from(cache);
      damaged[damaged.length - 20] ^= 0xff;
      writeFileSync(`${program}.cache`, damaged);
      expect(inNode(load)).toEqual({ cache: 'stale', value: 41 });

      // Saved after the file changed on disk: the cache names the source compiled, so it is stale for the new file.
      inNode(`const p = loader.loadProgram(${JSON.stringify(program)}); require('fs').writeFileSync(${JSON.stringify(program)}, ${JSON.stringify(source(44))}); loader.saveProgramCache(p, ${JSON.stringify(program)}); console.log('{"cache":"saved"}')`);
      expect(inNode(load)).toEqual({ cache: 'stale', value: 44 });
      writeFileSync(program, source(41));
      writeFileSync(`${program}.cache`, cache);
      expect(inNode(load)).toEqual({ cache: 'accepted', value: 41 });

      // A cache that names this source but holds another's compiled code: V8 refuses it, the source runs.
      writeFileSync(program, `${source(43)}// longer\n`);
      inNode(`const p = loader.loadProgram(${JSON.stringify(program)}); p.exports.answer(); loader.saveProgramCache(p, ${JSON.stringify(program)}); console.log('{"cache":"saved"}')`);
      const other = readFileSync(`${program}.cache`);
      writeFileSync(program, source(41));
      writeFileSync(`${program}.cache`, Buffer.concat([cache.subarray(0, cache.indexOf('\n', 22) + 1), other.subarray(cache.indexOf('\n', 22) + 1)]));
      expect(inNode(load)).toEqual({ cache: 'rejected', value: 41 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the program, compiled by the loader, imports ES modules (a plugin) without a warning', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tilepipe-loader-'));
    try {
      writeFileSync(path.join(dir, 'a.png'), await syntheticPng(24, 16, 1, false));
      const res = spawnSync(process.execPath, [CLI, path.join(dir, 'a.png'), '-o', path.join(dir, 'out'), '--plugin', path.join(ROOT, 'test', 'fixtures', 'my-ops.mjs'), '--op', 'solarize', '--quiet'], { encoding: 'utf8' });
      expect(res.stderr).toBe('');
      expect(res.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
