/**
 * Geometry stages: resize, crop, rotate and the like run through sharp
 * (libvips) on the whole raster (RGB or RGBA), between tile stages.
 */
import sharp from '../io/sharp.js';
import type { OpInstance } from '../plan/chain.js';
import type { Raster } from '../model/raster.js';

/** Applies geometry ops in order, one sharp pipeline each (sharp fixes the order of ops inside one pipeline). */
export async function applyGeometry(raster: Raster, ops: readonly OpInstance[]): Promise<Raster> {
  let cur = raster;
  for (const inst of ops) {
    if (inst.def.kind !== 'geometry') throw new Error(`${inst.def.name} is not a geometry op`);
    const input = sharp(cur.data, { raw: { width: cur.width, height: cur.height, channels: cur.channels } });
    const applied = inst.def.apply(input, inst.params as never, { width: cur.width, height: cur.height });
    // Keep the raster's channels (an op such as rotate with a background may add alpha to RGB).
    const { data, info } = await (cur.channels === 4 ? applied.ensureAlpha() : applied.removeAlpha())
      .raw()
      .toBuffer({ resolveWithObject: true });
    cur = { data, width: info.width, height: info.height, channels: cur.channels, hasAlpha: cur.hasAlpha };
  }
  return cur;
}
