/**
 * The bundler plugin, on `unplugin`: one factory for Vite, Rollup, webpack,
 * Rspack and esbuild (`tilepipe/vite`, `/rollup`, `/webpack`, `/rspack`,
 * `/esbuild` are thin exports of it). Imports whose query has `tilepipe` are
 * parsed by the one query parser (query.ts), made (or found) through one
 * pipeline and its output cache, emitted as hashed assets the bundler's way
 * (assets.ts), and exported as a URL, srcset, meta, picture or picture HTML.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createUnplugin, type UnpluginInstance } from 'unplugin';
import type { ResolvedConfig } from 'vite';
import type { ChainStep } from '../plan/chain.js';
import { DEFAULT_CACHE_DIR, type OutputRecord } from '../runs/cache.js';
import { FORMAT_EXTENSION } from '../io/encode.js';
import { createPipeline, type Pipeline } from '../pipeline.js';
import { metaOf, pictureOf, srcsetOf, urlSafeStem, type PlacedOutput } from '../web/picture.js';
import { toHtml } from '../web/html.js';
import { placeholderOf } from '../web/placeholder.js';
import { parseTilepipeId, type TilepipeRequest } from './query.js';
import { ESBUILD_ASSET_PREFIX, esbuildEmitter, rollupEmitter, webpackEmitter, type AssetEmitter } from './assets.js';
import { moduleCode, urlToken } from './module-code.js';
import { DEV_PREFIX, serveOutputs, type DevOutputs } from './dev-server.js';

/** Options of the tilepipe bundler plugin (every bundler). Every field is optional. */
export interface TilepipePluginOptions {
  /** Worker threads of the plugin's pipeline (default: `os.availableParallelism()`). */
  readonly workers?: number;
  /**
   * Folder of the output cache, relative to the project root (default
   * `node_modules/.cache/tilepipe`). Keep it between CI builds and unchanged
   * images are never processed again.
   */
  readonly cacheDir?: string;
  /** Plugin modules (paths relative to the project root) whose `defineOp` exports become usable in `op=`. */
  readonly plugins?: readonly string[];
  /** The project root (default: Vite's `root`, webpack's and Rspack's `context`, else the working folder). */
  readonly root?: string;
}

/** Ids the plugin handles: imports with a `tilepipe` query parameter, and esbuild's asset sub-modules. */
const HANDLED = /[?&]tilepipe(?:[&=]|$)|^tilepipe-asset:\//;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The module's value: what `as=` asks for, over outputs whose URLs are tokens. */
function valueOf(req: TilepipeRequest, placed: PlacedOutput[], placeholder: string | undefined): unknown {
  switch (req.as) {
    case 'url': return placed[0].url;
    case 'srcset': return srcsetOf(placed);
    case 'meta': return metaOf(placed, placeholder);
    case 'picture': return pictureOf(placed, req.formats, placeholder);
    case 'picture-html': return toHtml(pictureOf(placed, req.formats, placeholder), { alt: req.alt, sizes: req.sizes });
  }
}

/** The plugin for every bundler: `unpluginTilepipe.vite()`, `.rollup()`, `.webpack()`, `.rspack()`, `.esbuild()`. */
export const unpluginTilepipe: UnpluginInstance<TilepipePluginOptions | undefined, false> = createUnplugin<TilepipePluginOptions | undefined, false>((options = {}, meta) => {
  let vite: ResolvedConfig | undefined;
  let pipeline: Pipeline | undefined;
  /** Reference ids of the assets emitted in `vite build` (placed under Vite's `base`). */
  const viteRefs = new Set<string>();
  const devOutputs: DevOutputs = new Map();
  /** esbuild: asset sub-module id → its file in the cache. */
  const subModules = new Map<string, string>();

  const context = meta.framework === 'webpack' ? meta.webpack.compiler.context : meta.framework === 'rspack' ? meta.rspack.compiler.context : undefined;
  const root = (): string => path.resolve(vite?.root ?? options.root ?? context ?? process.cwd());
  const cacheDir = (): string => path.resolve(root(), options.cacheDir ?? DEFAULT_CACHE_DIR);
  const base = (): string => {
    const b = vite?.base ?? '/';
    return b.endsWith('/') ? b : `${b}/`;
  };
  /** Between buildEnd and the next buildStart no pipeline is made (one would never be closed). */
  let ended = false;
  const getPipeline = (): Pipeline => {
    if (ended) throw new Error('the build has ended');
    pipeline ??= createPipeline({
      ...(options.workers !== undefined ? { workers: options.workers } : {}),
      cacheDir: cacheDir(),
      plugins: (options.plugins ?? []).map((p) => path.resolve(root(), p)),
    });
    return pipeline;
  };
  const closePipeline = async (): Promise<void> => {
    const p = pipeline;
    pipeline = undefined; // a later build (watch mode, next environment) starts a new one
    await p?.close();
  };
  const make = (req: TilepipeRequest): Promise<OutputRecord[]> => getPipeline().variants(req.file, {
    ops: req.ops as readonly ChainStep[], // text from the query: the engine checks every step when it plans
    formats: req.formats,
    ...(req.widths ? { widths: req.widths } : {}),
    ...(req.quality !== undefined ? { quality: req.quality } : {}),
    ...(req.encode ? { encode: req.encode } : {}),
  });
  const devEmitter = (req: TilepipeRequest): AssetEmitter => async (asset) => {
    devOutputs.set(path.basename(asset.file), async () => void (await make(req)));
    return { url: JSON.stringify(`${base()}${DEV_PREFIX}${path.basename(asset.file)}`) };
  };

  return {
    name: 'tilepipe',
    enforce: 'pre', // before Vite's own asset handling, which would inline the original image

    resolveId: {
      filter: { id: HANDLED },
      handler(id, importer) {
        if (id.startsWith(ESBUILD_ASSET_PREFIX)) return id;
        if (meta.framework === 'vite' || !importer) return null; // Vite resolves (aliases, root-relative paths) and keeps the query
        const q = id.indexOf('?');
        const spec = id.slice(0, q);
        if (path.isAbsolute(spec)) return id;
        if (!spec.startsWith('./') && !spec.startsWith('../')) return null;
        return `${path.resolve(path.dirname(importer), spec)}${id.slice(q)}`;
      },
    },

    load: {
      filter: { id: HANDLED },
      async handler(id) {
        const sub = subModules.get(id);
        if (sub !== undefined) return { code: (await readFile(sub)) as unknown as string }; // esbuild's `file` loader takes the bytes
        const q = id.indexOf('?');
        const rel = (file: string): string => path.relative(root(), file) || file;
        // Thrown, not this.error(): esbuild and webpack only stop the build on a throw, with the message intact.
        const fail = (file: string, err: unknown): Error => new Error(`tilepipe: ${rel(file)}: ${message(err)} (in "${id.slice(q)}")`);
        let req: TilepipeRequest | undefined;
        try {
          req = parseTilepipeId(id);
        } catch (err) {
          throw fail(id.slice(0, q), err);
        }
        if (!req) return null;
        this.addWatchFile(req.file);
        const request = req;
        let records: OutputRecord[];
        let placeholder: string | undefined;
        try {
          records = await make(request);
          if (request.placeholder) {
            placeholder = await placeholderOf(request.placeholder, records, request.formats);
          }
        } catch (err) {
          throw fail(request.file, err);
        }
        const emit: AssetEmitter =
          meta.framework === 'esbuild' ? esbuildEmitter(subModules)
          : meta.framework === 'webpack' || meta.framework === 'rspack' ? webpackEmitter(this)
          : vite?.command === 'serve' ? devEmitter(request)
          : rollupEmitter(this, root(), (ref) => viteRefs.add(ref));
        const stem = urlSafeStem(request.file);
        const refs = await Promise.all(records.map((r, i) => {
          const width = request.widths ? `-${request.widths[Math.floor(i / request.formats.length)]}` : '';
          return emit({ name: `${stem}${width}.${FORMAT_EXTENSION[r.format]}`, file: r.path, source: request.file }, i);
        }));
        const placed = records.map((r, i): PlacedOutput => ({ url: urlToken(i), format: r.format, width: r.width ?? 0, height: r.height ?? 0 }));
        const code = moduleCode(valueOf(request, placed, placeholder), refs.map((r) => r.url), refs.flatMap((r) => (r.importLine ? [r.importLine] : [])));
        return meta.framework === 'vite' || meta.framework === 'rollup' ? { code, map: { mappings: '' } } : { code };
      },
    },

    buildStart() {
      ended = false;
      if (vite?.command !== 'serve') subModules.clear(); // a new build (watch mode): the last one's asset modules are done
    },

    // Every load has run by the end of the build phase (and buildEnd runs on failure, and when the dev server closes).
    async buildEnd() {
      ended = true;
      await closePipeline();
    },

    esbuild: {
      loader: (code) => (typeof code === 'string' ? 'js' : 'file'), // asset sub-modules are bytes
    },

    vite: {
      configResolved(resolved) {
        vite = resolved;
      },
      configureServer(server) {
        serveOutputs(server, `${base()}${DEV_PREFIX}`, cacheDir, devOutputs);
      },
      // Emitted outputs follow Vite's `base` (Rollup's default would resolve them against import.meta.url).
      resolveFileUrl({ referenceId, fileName }) {
        if (!viteRefs.has(referenceId)) return null;
        const b = vite?.base ?? '/';
        if (b === '' || b.startsWith('.')) return null; // relative base: relative to the chunk, as Rollup does
        return JSON.stringify(`${base()}${fileName}`);
      },
      async closeBundle() {
        await closePipeline(); // the safety net
      },
    },
  };
});
