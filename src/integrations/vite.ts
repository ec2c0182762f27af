/**
 * `tilepipe/vite`: the tilepipe bundler plugin (plugin.ts) for Vite.
 *
 * ```js
 * // vite.config.js
 * import tilepipe from 'tilepipe/vite';
 * export default { plugins: [tilepipe()] };
 * ```
 *
 * In `vite dev` outputs are served from the output cache at `<base>@tilepipe/<file>`;
 * in `vite build` they are emitted as hashed assets under Vite's `base`.
 * @packageDocumentation
 */
import { unpluginTilepipe } from './plugin.js';

export { parseTilepipeId, QUERY_MARKER, IMPORT_KINDS, type TilepipeRequest, type ImportKind } from './query.js';
export { DEV_PREFIX } from './dev-server.js';
export type { TilepipePluginOptions, TilepipePluginOptions as TilepipeViteOptions } from './plugin.js';
export type { ImageMeta as TilepipeImageMeta, Picture as TilepipePicture } from '../web/picture.js';

/** The tilepipe plugin for Vite: `plugins: [tilepipe({ workers: 4 })]`. */
export const tilepipe = unpluginTilepipe.vite;
export default tilepipe;
