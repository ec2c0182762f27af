/**
 * How each bundler emits an output as a hashed asset, and the JS expression
 * of its public URL in the module that refers to it:
 * - Rollup and `vite build`: `emitFile`, and `import.meta.ROLLUP_FILE_URL_<ref>`;
 * - webpack and Rspack: the loader's `emitFile` (kept with the module, so
 *   cached rebuilds keep it) under `assets/<name>-<contenthash>.<ext>`, and
 *   `__webpack_public_path__ + name`;
 * - esbuild: an import of a sub-module whose bytes esbuild's `file` loader
 *   emits and hashes (`assetNames`), which gives the URL.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { UnpluginBuildContext } from 'unplugin';
import { contentHashOf } from '../io/content-hash.js';

/** One output to emit: its asset name (`photo-480.webp`), its file in the output cache, and the image it came from. */
export interface Asset {
  readonly name: string;
  readonly file: string;
  readonly source: string;
}

/** An emitted asset as the module refers to it: a JS expression for its URL, and a line to import first, if any. */
export interface AssetRef {
  readonly url: string;
  readonly importLine?: string;
}

/** Emits assets for one module. */
export type AssetEmitter = (asset: Asset, index: number) => Promise<AssetRef>;

/** Prefix of the ids of esbuild's asset sub-modules: `tilepipe-asset:/<cache key>/<name>`. */
export const ESBUILD_ASSET_PREFIX = 'tilepipe-asset:/';

/** Rollup and `vite build`: `onRef` hears each reference id (Vite maps them to its `base`). */
export function rollupEmitter(ctx: UnpluginBuildContext, root: string, onRef?: (ref: string) => void): AssetEmitter {
  // Rollup's and Vite's context returns the reference id; unplugin's type says void.
  const emit = ctx.emitFile as unknown as (file: { type: 'asset'; name: string; originalFileName: string; source: Uint8Array }) => string;
  return async (asset) => {
    const ref = emit({ type: 'asset', name: asset.name, originalFileName: path.relative(root, asset.source).split(path.sep).join('/'), source: await readFile(asset.file) });
    onRef?.(ref);
    return { url: `import.meta.ROLLUP_FILE_URL_${ref}` };
  };
}

/** webpack and Rspack, through the loader context of the module being built. */
export function webpackEmitter(ctx: UnpluginBuildContext): AssetEmitter {
  const native = ctx.getNativeBuildContext?.();
  const loader = native && (native.framework === 'webpack' || native.framework === 'rspack') ? native.loaderContext : undefined;
  if (!loader) throw new Error('tilepipe: no webpack loader context to emit assets from');
  return async (asset) => {
    const ext = path.extname(asset.name);
    const name = `assets/${path.basename(asset.name, ext)}-${await contentHashOf(asset.file)}${ext}`;
    loader.emitFile(name, await readFile(asset.file));
    return { url: `__webpack_public_path__ + ${JSON.stringify(name)}` };
  };
}

/** esbuild: `subModules` maps each sub-module id to its cache file, for the plugin's load hook. */
export function esbuildEmitter(subModules: Map<string, string>): AssetEmitter {
  return async (asset, index) => {
    const id = `${ESBUILD_ASSET_PREFIX}${path.basename(asset.file, path.extname(asset.file))}/${asset.name}`;
    subModules.set(id, asset.file);
    return { url: `__tilepipe_asset_${index}`, importLine: `import __tilepipe_asset_${index} from ${JSON.stringify(id)};` };
  };
}
