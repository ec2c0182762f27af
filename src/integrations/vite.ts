/**
 * `tilepipe/vite`: a Vite plugin that runs tilepipe chains on imported images.
 *
 * ```js
 * import blurred from './photo.jpg?tilepipe&op=blur:sigma=2&format=webp';      // a URL
 * import srcset from './photo.jpg?tilepipe&widths=480,960&as=srcset';           // 'url 480w, url 960w'
 * import hero from './photo.jpg?tilepipe&op=resize:width=800&op=sharpen&as=meta'; // { src, width, height, format, srcset }
 * ```
 *
 * Outputs come from (and go into) the content-addressed output cache, so an
 * unchanged image is processed once across dev sessions and builds. In
 * `vite dev` they are served by a middleware at `<base>@tilepipe/<file>`; in
 * `vite build` they are emitted as hashed assets.
 *
 * Only Vite's types are imported: the library never loads Vite at run time.
 * @packageDocumentation
 */
import { createReadStream } from 'node:fs';
import type { ChainStep } from '../plan/chain.js';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Plugin, ResolvedConfig } from 'vite';
import { DEFAULT_CACHE_DIR, type OutputRecord } from '../runs/cache.js';
import { FORMAT_EXTENSION } from '../io/encode.js';
import type { OutputFormat } from '../model/options.js';
import { parseTilepipeId, type TilepipeRequest } from './query.js';

export { QUERY_MARKER, parseTilepipeId, type TilepipeRequest } from './query.js';
import { createPipeline, type Pipeline } from '../pipeline.js';

/** Options of the {@link tilepipe} Vite plugin. Every field is optional. */
export interface TilepipeViteOptions {
  /** Worker threads of the plugin's pipeline (default: `os.availableParallelism()`). */
  readonly workers?: number;
  /**
   * Folder of the output cache, relative to Vite's `root` (default
   * `node_modules/.cache/tilepipe` under the root). Keep it between CI builds
   * and unchanged images are never processed again.
   */
  readonly cacheDir?: string;
  /** Plugin modules (paths relative to Vite's `root`) whose `defineOp` exports become usable in `op=`. */
  readonly plugins?: readonly string[];
}

/** The default export of a `?tilepipe&…&as=meta` import. */
export interface TilepipeImageMeta {
  /** URL of the widest output. */
  readonly src: string;
  /** Width of the widest output in pixels. */
  readonly width: number;
  /** Height of the widest output in pixels. */
  readonly height: number;
  /** Its format (`webp`, `avif`, `png`, …), e.g. for `<source type="image/…">`. */
  readonly format: OutputFormat;
  /** Every output as a `srcset` (`url 480w, url 960w`); one entry without `widths`. */
  readonly srcset: string;
}

/** URL path (after Vite's `base`) under which the dev server serves outputs. */
export const DEV_PREFIX = '@tilepipe/';

const CONTENT_TYPE: Record<string, string> = {
  webp: 'image/webp', avif: 'image/avif', png: 'image/png', jpg: 'image/jpeg', gif: 'image/gif', tiff: 'image/tiff',
};
/** Names of files in the output cache: `<hex key>.<ext>`. */
const CACHE_NAME = /^([0-9a-f]{8,64})\.(webp|avif|png|jpg|gif|tiff)$/;

/** One output as the generated module refers to it: a JS expression for its URL, plus its size. */
interface OutputRef {
  readonly url: string;
  readonly width: number;
  readonly height: number;
}

/** Code of the module for a request, given its outputs (in the order of `widths`). */
function moduleCode(req: TilepipeRequest, refs: OutputRef[]): string {
  // Widths never enlarge, so two requested widths can give one size: keep the first.
  const unique = refs.filter((r, i) => refs.findIndex((o) => o.width === r.width) === i);
  const srcset = unique.map((r) => `${r.url} + ${JSON.stringify(` ${r.width}w`)}`).join(' + ", " + ');
  if (req.as === 'url') return `export default ${refs[0].url};\n`;
  if (req.as === 'srcset') return `export default ${srcset};\n`;
  const widest = unique.reduce((a, b) => (b.width > a.width ? b : a));
  return `export default {\n  src: ${widest.url},\n  width: ${widest.width},\n  height: ${widest.height},\n  format: ${JSON.stringify(req.format)},\n  srcset: ${srcset},\n};\n`;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The tilepipe Vite plugin: imports whose query has `tilepipe` are processed
 * by a tilepipe chain, and the module's default export is the output's URL
 * (or a srcset string, or a {@link TilepipeImageMeta}).
 *
 * Query parameters: `op` (repeatable, applied in order: `op=resize:width=800&op=sharpen`),
 * `format` (default `webp`), `widths` (`480,960`; never enlarges), `quality` (1–100),
 * `as` (`url` — the default —, `srcset` or `meta`). An invalid query fails the
 * import with an error naming the file and the bad parameter or operation.
 *
 * One pipeline per plugin instance, started on the first tilepipe import and
 * closed when the build ends or the dev server closes.
 *
 * @example
 * ```ts
 * // vite.config.ts
 * import { defineConfig } from 'vite';
 * import tilepipe from 'tilepipe/vite';
 * export default defineConfig({ plugins: [tilepipe({ workers: 4 })] });
 * ```
 */
export function tilepipe(options: TilepipeViteOptions = {}): Plugin {
  let config: ResolvedConfig | undefined;
  let pipeline: Pipeline | undefined;
  /** Reference ids of the files this plugin emitted (build). */
  const emitted = new Set<string>();
  /** Outputs the dev server handed out: cache file name → makes it again. */
  const devOutputs = new Map<string, () => Promise<void>>();

  const root = (): string => config?.root ?? process.cwd();
  const cacheDir = (): string => path.resolve(root(), options.cacheDir ?? DEFAULT_CACHE_DIR);
  const getPipeline = (): Pipeline => {
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
  const base = (): string => {
    const b = config?.base ?? '/';
    return b.endsWith('/') ? b : `${b}/`;
  };

  return {
    name: 'tilepipe',
    enforce: 'pre',

    configResolved(resolved) {
      config = resolved;
    },

    configureServer(server) {
      const prefix = `${base()}${DEV_PREFIX}`;
      server.middlewares.use((req, res, next) => {
        const url = req.url;
        if (!url?.startsWith(prefix) || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
        const m = CACHE_NAME.exec(url.slice(prefix.length).split('?')[0]);
        if (!m) return next();
        const name = m[0];
        const file = path.join(cacheDir(), m[1].slice(0, 2), name);
        const remake = devOutputs.get(name);
        // A file removed from the cache since its module was loaded is made again.
        stat(file)
          .catch(async () => (remake ? (await remake(), stat(file)) : undefined))
          .then((s) => {
            if (!s) {
              res.statusCode = 404;
              return void res.end();
            }
            res.statusCode = 200;
            res.setHeader('Content-Type', CONTENT_TYPE[m[2]]);
            res.setHeader('Content-Length', s.size);
            // The name is a hash of the input's content and the options: it never changes meaning.
            res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
            if (req.method === 'HEAD') return void res.end();
            createReadStream(file).on('error', next).pipe(res);
          })
          .catch(next);
      });
    },

    async load(id) {
      let req: TilepipeRequest | undefined;
      const rel = (file: string): string => path.relative(root(), file) || file;
      try {
        req = parseTilepipeId(id);
      } catch (err) {
        return this.error(`tilepipe: ${rel(id.slice(0, id.indexOf('?')))}: ${message(err)} (in "${id.slice(id.indexOf('?'))}")`);
      }
      if (!req) return null;
      this.addWatchFile(req.file);
      const request = req;
      const make = (): Promise<OutputRecord[]> => getPipeline().variants(request.file, {
        ops: request.ops as readonly ChainStep[], // text from the query: the engine checks every step when it plans
        formats: [request.format],
        ...(request.widths ? { widths: request.widths } : {}),
        ...(request.quality !== undefined ? { quality: request.quality } : {}),
        ...(request.encoder ? { encode: { [request.format]: request.encoder } } : {}),
      });
      let records: OutputRecord[];
      try {
        records = await make();
      } catch (err) {
        const query = id.slice(id.indexOf('?'));
        return this.error(`tilepipe: ${rel(req.file)}: ${message(err)} (in "${query}")`);
      }
      const stem = path.basename(req.file, path.extname(req.file));
      const refs: OutputRef[] = [];
      for (const [i, r] of records.entries()) {
        const width = r.width ?? 0;
        const height = r.height ?? 0;
        if (config?.command === 'build') {
          const suffix = req.widths ? `-${req.widths[i]}` : '';
          const ref = this.emitFile({
            type: 'asset',
            name: `${stem}${suffix}.${FORMAT_EXTENSION[req.format]}`,
            originalFileName: path.relative(root(), req.file).split(path.sep).join('/'),
            source: await readFile(r.path),
          });
          emitted.add(ref);
          refs.push({ url: `import.meta.ROLLUP_FILE_URL_${ref}`, width, height });
        } else {
          devOutputs.set(path.basename(r.path), async () => void (await make()));
          refs.push({ url: JSON.stringify(`${base()}${DEV_PREFIX}${path.basename(r.path)}`), width, height });
        }
      }
      return { code: moduleCode(req, refs), map: { mappings: '' } };
    },

    // Emitted outputs follow Vite's `base` (Rollup's default would resolve them against import.meta.url).
    resolveFileUrl({ referenceId, fileName }) {
      if (!emitted.has(referenceId)) return null;
      const b = config?.base ?? '/';
      if (b === '' || b.startsWith('.')) return null; // relative base: relative to the chunk, as Rollup does
      return JSON.stringify(`${base()}${fileName}`);
    },

    // Every load has run by the end of the build phase (and buildEnd runs on failure too,
    // and when the dev server closes); closeBundle is the safety net.
    async buildEnd() {
      await closePipeline();
    },

    async closeBundle() {
      await closePipeline();
    },
  };
}

/** The {@link tilepipe} plugin factory, as the default export: `import tilepipe from 'tilepipe/vite'`. */
export default tilepipe;
