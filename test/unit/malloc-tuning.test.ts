/**
 * glibc's allocator, tuned by tilepipe (src/io/malloc-tuning.ts): in fresh
 * processes, since the setting is process-wide and applied once.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IS_GLIBC } from '../fixtures.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const helper = path.join(root, 'build/Release/malloc_tuning.node');
const tuning = path.join(root, 'dist/src/io/malloc-tuning.js');

/** What a child saw: the tuning's answer, glibc's arenas before and after six threads allocated, and whether a 4 MB block got a mapping of its own. */
interface ChildView {
  readonly tuning: { tuned: boolean; reason?: string };
  readonly before: number;
  readonly after: number;
  readonly ownMapping: boolean;
}

/**
 * A fresh Node process: tunes (or not), allocates one 4 MB block (glibc's
 * default maps blocks over 128 KB, at first, on their own), counts glibc's
 * arenas, starts six worker threads that each allocate, and counts them again.
 * `tune: false`: the script itself does not tune before measuring (`nodeArgs` may preload the tuning).
 */
function child(env: Record<string, string>, { tune = true, nodeArgs = [] as string[] } = {}): ChildView {
  const script = `
    import { createRequire } from 'node:module';
    import { Worker } from 'node:worker_threads';
    const { tuneMalloc } = ${tune} ? await import(${JSON.stringify(tuning)}) : { tuneMalloc: () => ({ tuned: false, reason: 'not asked' }) };
    const tuning = tuneMalloc();
    const { stats } = createRequire(import.meta.url)(${JSON.stringify(helper)});
    const mapped = stats().mmapped;
    const block = Buffer.alloc(4 << 20, 1);
    const ownMapping = stats().mmapped > mapped;
    const before = stats().arenas;
    const code = 'const keep = []; for (let i = 0; i < 64; i++) keep.push(Buffer.alloc(1 << 16, i));';
    await Promise.all(Array.from({ length: 6 }, () => new Promise((resolve, reject) => {
      const w = new Worker(code, { eval: true });
      w.on('exit', resolve);
      w.on('error', reject);
    })));
    const after = stats().arenas;
    console.log(JSON.stringify({ tuning, before, after, ownMapping, kept: block.length }));`;
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MALLOC_') && k !== 'GLIBC_TUNABLES'));
  const out = execFileSync(process.execPath, [...nodeArgs, '--input-type=module', '-e', script], { cwd: root, env: { ...clean, ...env }, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as ChildView;
}

describe.runIf(process.platform === 'linux' && IS_GLIBC)('glibc allocator tuning', () => {
  it('the native helper is built by npm run build (it needs python3, make and a C compiler)', () => {
    expect(existsSync(helper), `${helper} missing: see the build's "native allocator helper" line`).toBe(true);
  });

  it('caps the arenas and keeps blocks under 32 MB in them', () => {
    const tuned = child({});
    expect(tuned.tuning).toEqual({ tuned: true });
    // Threads started after it share the existing arenas instead of each making its own (up to the cap of 2, if only one existed).
    expect(tuned.after - tuned.before).toBeLessThanOrEqual(1);
    expect(tuned.ownMapping).toBe(false);
    // glibc's own settings (MALLOC_ARENA_TEST=8 is its default, but marks the allocator as the user's):
    // every new thread that allocates gets an arena of its own, and a 4 MB block a mapping of its own.
    const untouched = child({ MALLOC_ARENA_TEST: '8' });
    expect(untouched.tuning).toEqual({ tuned: false, reason: 'set by the environment' });
    expect(untouched.after - untouched.before).toBeGreaterThanOrEqual(4);
    expect(untouched.ownMapping).toBe(true);
  });

  it("node --import tilepipe/malloc and node -r tilepipe/preload tune before the program's own modules load", () => {
    for (const nodeArgs of [['--import', 'tilepipe/malloc'], ['-r', 'tilepipe/preload']]) {
      const preloaded = child({}, { tune: false, nodeArgs });
      expect(preloaded.after - preloaded.before, nodeArgs.join(' ')).toBeLessThanOrEqual(1);
      expect(preloaded.ownMapping, nodeArgs.join(' ')).toBe(false);
    }
    // The same script without the preload: glibc's defaults.
    const plain = child({}, { tune: false });
    expect(plain.after - plain.before).toBeGreaterThanOrEqual(4);
    expect(plain.ownMapping).toBe(true);
  });

  it('keeps what the user set in the environment, and only malloc settings count', () => {
    expect(child({ MALLOC_ARENA_MAX: '4' }).tuning).toEqual({ tuned: false, reason: 'set by the environment' });
    expect(child({ GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=1000000' }).tuning).toEqual({ tuned: false, reason: 'set by the environment' });
    expect(child({ GLIBC_TUNABLES: 'glibc.rtld.optional_static_tls=2048' }).tuning).toEqual({ tuned: true });
  });

  it('a build that cannot run (no node-gyp, no compiler) says so in one line and does not fail the install', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tilepipe-native-'));
    try {
      for (const f of ['binding.gyp', 'native', 'scripts/build-native.mjs']) cpSync(path.join(root, f), path.join(dir, f), { recursive: true });
      const r = spawnSync(process.execPath, [path.join(dir, 'scripts', 'build-native.mjs')], {
        cwd: dir, encoding: 'utf8', env: { PATH: '/nonexistent', npm_config_node_gyp: path.join(dir, 'no-such-node-gyp.js') },
      });
      expect(r.status).toBe(0);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^tilepipe: the native allocator helper was not built \(.+\); glibc's default allocator settings will be used\n$/);
      expect(existsSync(path.join(dir, 'build', 'Release', 'malloc_tuning.node'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
