/**
 * `tilepipe/webpack`: the tilepipe bundler plugin (plugin.ts) for webpack.
 *
 * ```js
 * import tilepipe from 'tilepipe/webpack';
 * // in the webpack config: plugins: [tilepipe()]
 * ```
 * @packageDocumentation
 */
import { unpluginTilepipe } from './plugin.js';

export type { TilepipePluginOptions } from './plugin.js';

/** The tilepipe plugin for webpack. */
export const tilepipe = unpluginTilepipe.webpack;
export default tilepipe;
