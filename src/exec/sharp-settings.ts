/** sharp's process-wide settings as tilepipe's engine sets them. */
import sharp from '../io/sharp.js';

/**
 * Sets libvips's process-wide thread budget for tilepipe: one libvips thread
 * per image (parallelism comes from the worker pool and from images in
 * flight) and no operation cache. These are sharp's global settings, felt by
 * any other sharp user in the same process; the engine sets them on creation.
 */
export function applySharpThreadBudget(): void {
  sharp.concurrency(1);
  sharp.cache(false);
}
