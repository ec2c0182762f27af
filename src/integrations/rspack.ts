/**
 * `tilepipe/rspack`: the tilepipe bundler plugin (plugin.ts) for Rspack.
 *
 * ```js
 * import tilepipe from 'tilepipe/rspack';
 * // in the Rspack config: plugins: [tilepipe()]
 * ```
 * @packageDocumentation
 */
import { unpluginTilepipe } from './plugin.js';

export type { TilepipePluginOptions } from './plugin.js';

/** The tilepipe plugin for Rspack. */
export const tilepipe = unpluginTilepipe.rspack;
export default tilepipe;
