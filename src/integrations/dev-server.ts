/**
 * `vite dev`: outputs are served from the output cache by a middleware at
 * `<base>@tilepipe/<cache file>`, made again if they were removed from the
 * cache since their module was loaded.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ViteDevServer } from 'vite';

/** URL path (after Vite's `base`) under which the dev server serves outputs. */
export const DEV_PREFIX = '@tilepipe/';

const CONTENT_TYPE: Record<string, string> = {
  webp: 'image/webp', avif: 'image/avif', png: 'image/png', jpg: 'image/jpeg', gif: 'image/gif', tiff: 'image/tiff',
};
/** Names of files in the output cache: `<hex key>.<ext>`. */
const CACHE_NAME = /^([0-9a-f]{8,64})\.(webp|avif|png|jpg|gif|tiff)$/;

/** Outputs the dev server has handed out: cache file name → makes it again. */
export type DevOutputs = Map<string, () => Promise<void>>;

/** Adds the middleware that serves cached outputs under `prefix`. */
export function serveOutputs(server: ViteDevServer, prefix: string, cacheDir: () => string, outputs: DevOutputs): void {
  server.middlewares.use((req, res, next) => {
    const url = req.url;
    if (!url?.startsWith(prefix) || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    const m = CACHE_NAME.exec(url.slice(prefix.length).split('?')[0]);
    if (!m) return next();
    const file = path.join(cacheDir(), m[1].slice(0, 2), m[0]);
    const remake = outputs.get(m[0]);
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
}
