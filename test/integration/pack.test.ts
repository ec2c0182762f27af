/**
 * The published package, as a user gets it: `npm pack` the built project,
 * install the tarball into an empty ES-module project (a normal install, so
 * sharp's native package comes along), and use `tilepipe` and every plugin
 * export from there — without any bundler installed, which the plugins only
 * need as types — then build a page with Vite and with esbuild there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { IS_GLIBC } from '../fixtures.js';

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
let project: string;

/** npm in the fresh project, without audit and fund noise, from the local cache where it can. */
const npm = (args: string[]) => run('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
  cwd: project, env: cleanEnv(), maxBuffer: 16 << 20, timeout: 220_000,
});

beforeAll(async () => {
  for (const f of ['dist/src/index.js', 'dist/src/integrations/vite.js', 'dist/src/exec/worker/tile-worker.js', 'dist/src/exec/worker/tile-worker-entry.cjs', 'dist/bin/program.cjs', 'dist/bin/tilepipe.cjs', 'dist/src/kernels/simd/kernels.wasm']) {
    if (!existsSync(path.join(ROOT, f))) throw new Error(`${f} is missing: run \`npm run build\` first`);
  }
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tilepipe-pack-'));
  // --ignore-scripts: `prepare` would rebuild dist/ while other tests read it; the build ran before the tests.
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], {
    cwd: ROOT, env: cleanEnv(), maxBuffer: 16 << 20,
  });
  const [packed] = JSON.parse(stdout) as PackResult[];
  tarball = path.join(tmp, packed.filename);
  project = path.join(tmp, 'project');
  files = packed.files.map((f) => f.path);
}, 60_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('holds the built library, workers, CLI and README, and no tests, benchmarks or node_modules', () => {
    expect(existsSync(tarball)).toBe(true);
    for (const f of ['package.json', 'README.md', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/integrations/vite.js', 'dist/src/integrations/vite.d.ts', 'dist/src/exec/worker/tile-worker.js', 'dist/src/exec/worker/tile-worker-entry.cjs', 'dist/bin/program.cjs', 'dist/bin/tilepipe.cjs', 'dist/src/kernels/simd/kernels.wasm', 'client.d.ts']) {
      expect(files).toContain(f);
    }
    const outside = files.filter((f) => !/^(dist\/(src|bin)\/|README\.md$|package\.json$|client\.d\.ts$|LICENSE)/.test(f));
    // The allocator helper ships as source, built at install (scripts/build-native.mjs).
    expect(outside.sort()).toEqual(['binding.gyp', 'native/malloc-tuning.c', 'scripts/build-native.mjs']);
    expect(files.filter((f) => /(^|\/)(test|bench|node_modules)\//.test(f))).toEqual([]);
    // The licence ships; source maps do not (they would point at src/*.ts, which is not shipped).
    expect(files).toContain('LICENSE');
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
  });

  it('installs into a fresh project where `tilepipe` processes an image and every plugin export loads without its bundler', async () => {
    mkdirSync(project);
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'tilepipe-pack-check', private: true, type: 'module' }));
    // A normal install (not --ignore-scripts): sharp's native binary is an optional dependency package.
    await npm(['install', tarball]);
    for (const peer of ['vite', 'rollup', 'webpack', 'esbuild', '@rspack/core']) expect(existsSync(path.join(project, 'node_modules', peer)), peer).toBe(false); // optional peers
    expect(existsSync(path.join(project, 'node_modules', '.bin', 'tilepipe'))).toBe(true);
    // The install built the allocator helper where glibc is (src/io/malloc-tuning.ts).
    expect(existsSync(path.join(project, 'node_modules', 'tilepipe', 'build', 'Release', 'malloc_tuning.node'))).toBe(IS_GLIBC);
    writeFileSync(path.join(project, 'check.mjs'), `
      import sharp from 'sharp';
      import { createPipeline } from 'tilepipe';
      const input = await sharp({ create: { width: 8, height: 6, channels: 3, background: { r: 10, g: 200, b: 30 } } }).png().toBuffer();
      const p = createPipeline({ workers: 1, cacheDir: false });
      const out = await p.processBuffer(input, { ops: ['invert'], format: 'png' });
      await p.close();
      const { data, info } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
      const plugins = {};
      for (const b of ['vite', 'rollup', 'webpack', 'rspack', 'esbuild']) plugins[b] = typeof (await import('tilepipe/' + b)).default({ workers: 1 });
      console.log(JSON.stringify({ width: info.width, height: info.height, pixel: [...data.subarray(0, 3)], plugins }));
    `);
    // Preloading through the package's ./preload (CommonJS) and ./malloc (ES module) entries, as docs/library.md suggests.
    for (const preload of [['-r', 'tilepipe/preload'], ['--import', 'tilepipe/malloc']]) {
      const { stdout } = await run(process.execPath, [...preload, 'check.mjs'], { cwd: project, env: cleanEnv(), timeout: 60_000 });
      expect(JSON.parse(stdout.trim().split('\n').pop()!), preload.join(' ')).toEqual({
        width: 8, height: 6, pixel: [245, 55, 225], plugins: { vite: 'object', rollup: 'object', webpack: 'object', rspack: 'object', esbuild: 'object' },
      });
    }
    // The installed command (the bundle in dist/bin): its version, and a blur, which needs the tile workers and the WebAssembly kernels it finds from the package root.
    const bin = path.join(project, 'node_modules', '.bin', 'tilepipe');
    const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect((await run(bin, ['--version'], { cwd: project, env: cleanEnv() })).stdout.trim()).toBe(version);
    copyFileSync(path.join(ROOT, 'test-images', 'photo-gradient-640x480.jpg'), path.join(project, 'cli-in.jpg'));
    await run(bin, ['cli-in.jpg', '-o', 'cli-out', '--op', 'blur:sigma=2', '--format', 'png', '--quiet'], { cwd: project, env: cleanEnv(), timeout: 60_000 });
    const made = await sharp(path.join(project, 'cli-out', 'cli-in.png')).metadata();
    expect([made.width, made.height]).toEqual([640, 480]);
  }, 240_000);

  it('builds a page importing a ?tilepipe picture there with `vite build` and with esbuild, each with its shortest config', async () => {
    const versions = ['vite', 'esbuild'].map((b) => `${b}@${(JSON.parse(readFileSync(path.join(ROOT, 'node_modules', b, 'package.json'), 'utf8')) as { version: string }).version}`);
    await npm(['install', '--save-dev', ...versions]);
    copyFileSync(path.join(ROOT, 'test-images', 'photo-gradient-640x480.jpg'), path.join(project, 'photo.jpg'));
    writeFileSync(path.join(project, 'main.js'), "import picture from './photo.jpg?tilepipe&format=webp,jpeg&widths=160,320&as=picture';\nglobalThis.picture = picture;\n");
    writeFileSync(path.join(project, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>\n');
    // The README's configs.
    writeFileSync(path.join(project, 'vite.config.js'), "import tilepipe from 'tilepipe/vite';\nexport default { plugins: [tilepipe()] };\n");
    writeFileSync(path.join(project, 'build.mjs'), "import * as esbuild from 'esbuild';\nimport tilepipe from 'tilepipe/esbuild';\nawait esbuild.build({ entryPoints: ['main.js'], bundle: true, outdir: 'out', plugins: [tilepipe()] });\n");
    await run(path.join(project, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'error'], { cwd: project, env: cleanEnv(), timeout: 120_000 });
    await run(process.execPath, ['build.mjs'], { cwd: project, env: cleanEnv(), timeout: 120_000 });
    for (const [dir, js] of [['dist/assets', /\.js$/], ['out', /^main\.js$/]] as const) {
      const files = readdirSync(path.join(project, dir));
      const images = files.filter((f) => /\.(webp|jpg)$/.test(f));
      expect(images, dir).toHaveLength(4);
      const code = readFileSync(path.join(project, dir, files.find((f) => js.test(f))!), 'utf8');
      for (const f of images) {
        expect(f).toMatch(/^photo-(160|320)-[\w-]{8}\.(webp|jpg)$/);
        expect(code, `${dir}: ${f}`).toContain(f);
        expect((await sharp(path.join(project, dir, f)).metadata()).width).toBe(Number(f.split('-')[1]));
      }
    }
  }, 240_000);
});
