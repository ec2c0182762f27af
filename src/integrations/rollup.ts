/**
 * `tilepipe/rollup`: the tilepipe bundler plugin (plugin.ts) for Rollup.
 *
 * ```js
 * import tilepipe from 'tilepipe/rollup';
 * // in the Rollup config: plugins: [tilepipe()]
 * ```
 * @packageDocumentation
 */
import { unpluginTilepipe } from './plugin.js';

export type { TilepipePluginOptions } from './plugin.js';

/** The tilepipe plugin for Rollup. */
export const tilepipe = unpluginTilepipe.rollup;
export default tilepipe;
