/**
 * `tilepipe/esbuild`: the tilepipe bundler plugin (plugin.ts) for esbuild.
 *
 * ```js
 * import tilepipe from 'tilepipe/esbuild';
 * // in the esbuild config: plugins: [tilepipe()]
 * ```
 * @packageDocumentation
 */
import { unpluginTilepipe } from './plugin.js';

export type { TilepipePluginOptions } from './plugin.js';

/** The tilepipe plugin for esbuild. */
export const tilepipe = unpluginTilepipe.esbuild;
export default tilepipe;
