/**
 * Real builds of test/fixtures/bundler-app with each bundler's JS API and the
 * matching `tilepipe/<bundler>` export, into a temp folder, as ES modules
 * that Node can run. Assets are public under `/static/` where the bundler
 * has a public path; Rollup's are relative to the chunk (`import.meta.url`).
 */
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { rollup } from 'rollup';
import webpack from 'webpack';
import { rspack } from '@rspack/core';
import * as esbuild from 'esbuild';
import { build as viteBuild } from 'vite';
import tilepipeVite from '../../dist/src/integrations/vite.js';
import tilepipeRollup from '../../dist/src/integrations/rollup.js';
import tilepipeWebpack from '../../dist/src/integrations/webpack.js';
import tilepipeRspack from '../../dist/src/integrations/rspack.js';
import tilepipeEsbuild from '../../dist/src/integrations/esbuild.js';
import type { TilepipePluginOptions } from '../../dist/src/integrations/plugin.js';

/** Builds `entry` (a file of `app`) into `outDir`; resolves to the built entry's path, rejects with the build's errors. */
export type Builder = (app: string, entry: string, outDir: string, options: TilepipePluginOptions) => Promise<string>;

/** The public path of the builds that have one. */
export const PUBLIC = '/static/';

type WebpackLike = (config: Record<string, unknown>) => { run(cb: (err: Error | null, stats?: { hasErrors(): boolean; toJson(o: object): { errors?: Array<{ message: string }> } }) => void): void; close(cb: () => void): void };

function webpackLike(make: WebpackLike, plugin: unknown): Builder {
  return (app, entry, outDir) => new Promise((resolve, reject) => {
    const compiler = make({
      mode: 'production', context: app, entry: path.join(app, entry), target: 'node', devtool: false,
      optimization: { minimize: false },
      output: { path: outDir, filename: 'main.js', publicPath: PUBLIC, module: true, library: { type: 'module' } },
      experiments: { outputModule: true },
      plugins: [plugin],
    });
    compiler.run((err, stats) => compiler.close(() => {
      if (err) return reject(err);
      if (stats?.hasErrors()) return reject(new Error(stats.toJson({ all: false, errors: true }).errors?.map((e) => e.message).join('\n')));
      resolve(path.join(outDir, 'main.js'));
    }));
  });
}

/** Every bundler, by name. */
export const BUILDERS: Record<string, Builder> = {
  vite: async (app, entry, outDir, options) => {
    await viteBuild({
      root: app, configFile: false, logLevel: 'silent', base: PUBLIC, cacheDir: path.join(outDir, '.vite'),
      plugins: [tilepipeVite(options)],
      build: {
        outDir, emptyOutDir: true, minify: false, modulePreload: false,
        rollupOptions: { input: path.join(app, entry), preserveEntrySignatures: 'exports-only', output: { entryFileNames: '[name].js' } },
      },
    });
    return path.join(outDir, entry);
  },
  rollup: async (app, entry, outDir, options) => {
    const bundle = await rollup({ input: path.join(app, entry), plugins: [tilepipeRollup(options)] });
    try {
      await bundle.write({ dir: outDir, format: 'es', entryFileNames: '[name].js' });
    } finally {
      await bundle.close();
    }
    return path.join(outDir, entry);
  },
  webpack: (app, entry, outDir, options) => webpackLike(webpack as unknown as WebpackLike, tilepipeWebpack(options))(app, entry, outDir, options),
  rspack: (app, entry, outDir, options) => webpackLike(rspack as unknown as WebpackLike, tilepipeRspack(options))(app, entry, outDir, options),
  esbuild: async (app, entry, outDir, options) => {
    await esbuild.build({
      entryPoints: [path.join(app, entry)], bundle: true, outdir: outDir, format: 'esm', platform: 'node',
      publicPath: PUBLIC, assetNames: 'assets/[name]-[hash]', logLevel: 'silent', plugins: [tilepipeEsbuild(options)],
    });
    return path.join(outDir, path.basename(entry));
  },
};

/** Runs a built ES module in a fresh Node process; returns what it stored in `globalThis.tilepipeDemo`. */
export function runBundle(file: string): unknown {
  const code = `await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(JSON.stringify(globalThis.tilepipeDemo));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' }));
}

/** The file a built URL refers to: below `outDir` for `/static/…`, or the file of a `file:` URL (Rollup). */
export function fileOfUrl(url: string, outDir: string): string {
  if (url.startsWith('file:')) return fileURLToPath(url);
  if (url.startsWith(PUBLIC)) return path.join(outDir, url.slice(PUBLIC.length));
  throw new Error(`unexpected asset URL ${url}`);
}

/** Image files below `dir` (relative paths). */
export function imagesIn(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => /\.(webp|avif|jpe?g|png)$/.test(f)).sort();
}
