/**
 * The `tilepipe` command and the `tilepipe/preload` entry size libuv's thread
 * pool (decode, encode and file reads run there) to one thread per core, at
 * least 4, keeping a value set in the environment. libuv reads
 * UV_THREADPOOL_SIZE once, when the pool starts, and Node's ES module loader
 * starts it before an ES module entry runs: so both set it from CommonJS.
 * Checked from inside the process, by a module that counts its threads when
 * it loads (a plugin of the command; the program after the preload).
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI } from '../cli-runner.js';
import { tempDir } from '../fixtures.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

describe.runIf(process.platform === 'linux')('libuv thread pool of the tilepipe command and of tilepipe/preload', () => {
  const dir = tempDir();
  const plugin = path.join(dir, 'probe.mjs');
  const out = path.join(dir, 'probe.json');
  writeFileSync(plugin, `
    import { readdirSync, writeFileSync } from 'node:fs';
    import { defineOp } from ${JSON.stringify(path.join(ROOT, 'dist', 'src', 'index.js'))};
    writeFileSync(${JSON.stringify(out)}, JSON.stringify({ threads: readdirSync('/proc/self/task').length, uv: process.env.UV_THREADPOOL_SIZE }));
    export const probe = defineOp({ name: 'probe', kind: 'point', description: 'probe', params: {}, lut: () => new Uint8Array(768) });
  `);
  /**
   * Threads of a process when the probe module loads (the pool has started by then), and the pool size it saw:
   * a `tilepipe ops --plugin` process, or a program run with `node -r tilepipe/preload`.
   */
  const probe = (uv: string | undefined, how: 'command' | 'preload' = 'command'): { threads: number; uv: string } => {
    const env = { ...process.env };
    delete env.UV_THREADPOOL_SIZE;
    if (uv !== undefined) env.UV_THREADPOOL_SIZE = uv;
    const args = how === 'command' ? [CLI, 'ops', '--plugin', plugin] : ['-r', 'tilepipe/preload', plugin];
    execFileSync(process.execPath, args, { env, stdio: 'pipe', cwd: ROOT });
    return JSON.parse(readFileSync(out, 'utf8')) as { threads: number; uv: string };
  };
  const cores = Math.max(4, os.availableParallelism());

  it('node -r tilepipe/preload: the same pool as the command, before the program\'s modules load', () => {
    const chosen = probe(undefined, 'preload');
    expect(chosen.uv).toBe(String(cores));
    expect(chosen.threads).toBe(probe(String(cores), 'preload').threads);
    expect(probe('', 'preload').threads).toBe(chosen.threads);
    expect(probe(String(cores + 2), 'preload').threads - chosen.threads).toBe(2);
  });

  it('the command: one thread per core (at least 4) when the environment does not say, and the environment\'s value when it does', () => {
    const chosen = probe(undefined);
    expect(chosen.uv).toBe(String(cores));
    // The same threads as when the size comes from the environment: the pool really has that many.
    expect(chosen.threads).toBe(probe(String(cores)).threads);
    // An empty value, from which libuv would start 1 thread, is replaced too; set too late
    // (after the ES module loader started the pool), the pool would have 1 thread, not the chosen size.
    const empty = probe('');
    expect(empty.uv).toBe(String(cores));
    expect(empty.threads).toBe(chosen.threads);
    const more = probe(String(cores + 3));
    expect(more.uv).toBe(String(cores + 3));
    expect(more.threads - chosen.threads).toBe(3);
  });
});
