/**
 * The published package, as a user gets it: `npm pack` the built project,
 * install the tarball into an empty ES-module project (a normal install, so
 * sharp's native package comes along), and use `tilepipe` and `tilepipe/vite`
 * from there — without Vite installed, which the plugin only needs as types.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** The environment without npm's run-script variables (`npm test` sets npm_config_*, npm_package_*…), which would leak into the child npm. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
}

interface PackResult {
  filename: string;
  files: { path: string }[];
}

let tmp: string;
let tarball: string;
let files: string[];

beforeAll(async () => {
  for (const f of ['dist/src/index.js', 'dist/src/integrations/vite.js', 'dist/src/exec/worker/tile-worker.js', 'dist/src/exec/worker/tile-worker-entry.cjs', 'dist/cli/main.js', 'dist/src/kernels/simd/kernels.wasm']) {
    if (!existsSync(path.join(ROOT, f))) throw new Error(`${f} is missing: run \`npm run build\` first`);
  }
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tilepipe-pack-'));
  // --ignore-scripts: `prepare` would rebuild dist/ while other tests read it; the build ran before the tests.
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], {
    cwd: ROOT, env: cleanEnv(), maxBuffer: 16 << 20,
  });
  const [packed] = JSON.parse(stdout) as PackResult[];
  tarball = path.join(tmp, packed.filename);
  files = packed.files.map((f) => f.path);
}, 60_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('holds the built library, workers, CLI and README, and no tests, benchmarks or node_modules', () => {
    expect(existsSync(tarball)).toBe(true);
    for (const f of ['package.json', 'README.md', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/integrations/vite.js', 'dist/src/integrations/vite.d.ts', 'dist/src/exec/worker/tile-worker.js', 'dist/src/exec/worker/tile-worker-entry.cjs', 'dist/cli/main.js', 'dist/src/kernels/simd/kernels.wasm', 'client.d.ts']) {
      expect(files).toContain(f);
    }
    const outside = files.filter((f) => !/^(dist\/(src|workers|cli)\/|README\.md$|package\.json$|client\.d\.ts$|LICENSE)/.test(f));
    expect(outside).toEqual([]);
    expect(files.filter((f) => /(^|\/)(test|bench|node_modules)\//.test(f))).toEqual([]);
    // The licence ships; source maps do not (they would point at src/*.ts, which is not shipped).
    expect(files).toContain('LICENSE');
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
  });

  it('installs into a fresh project where `tilepipe` processes an image and `tilepipe/vite` makes a plugin', async () => {
    const project = path.join(tmp, 'project');
    mkdirSync(project);
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'tilepipe-pack-check', private: true, type: 'module' }));
    // A normal install (not --ignore-scripts): sharp's native binary is an optional dependency package.
    await run('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
      cwd: project, env: cleanEnv(), maxBuffer: 16 << 20, timeout: 220_000,
    });
    expect(existsSync(path.join(project, 'node_modules', 'vite'))).toBe(false); // an optional peer: not installed
    expect(existsSync(path.join(project, 'node_modules', '.bin', 'tilepipe'))).toBe(true);
    writeFileSync(path.join(project, 'check.mjs'), `
      import sharp from 'sharp';
      import { createPipeline } from 'tilepipe';
      import tilepipe from 'tilepipe/vite';
      const input = await sharp({ create: { width: 8, height: 6, channels: 3, background: { r: 10, g: 200, b: 30 } } }).png().toBuffer();
      const p = createPipeline({ workers: 1, cacheDir: false });
      const out = await p.processBuffer(input, { ops: ['invert'], format: 'png' });
      await p.close();
      const { data, info } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
      const plugin = tilepipe({ workers: 1 });
      console.log(JSON.stringify({
        width: info.width, height: info.height, pixel: [...data.subarray(0, 3)],
        pluginType: typeof tilepipe, name: plugin.name, hooks: ['load', 'configureServer', 'resolveFileUrl'].filter((h) => typeof plugin[h] === 'function'),
      }));
    `);
    const { stdout } = await run(process.execPath, ['check.mjs'], { cwd: project, env: cleanEnv(), timeout: 60_000 });
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({
      width: 8, height: 6, pixel: [245, 55, 225], pluginType: 'function', name: 'tilepipe', hooks: ['load', 'configureServer', 'resolveFileUrl'],
    });
  }, 240_000);
});
