/**
 * Geometry stages: resize, crop, rotate and the like run through sharp
 * (libvips) on the whole RGBA raster, between tile stages.
 */
import sharp from 'sharp';
import type { OpInstance } from '../plan/chain.js';
import type { Raster } from '../model/raster.js';

/** Applies geometry ops in order, one sharp pipeline each (sharp fixes the order of ops inside one pipeline). */
export async function applyGeometry(raster: Raster, ops: readonly OpInstance[]): Promise<Raster> {
  let cur = raster;
  for (const inst of ops) {
    if (inst.def.kind !== 'geometry') throw new Error(`${inst.def.name} is not a geometry op`);
    const input = sharp(cur.data, { raw: { width: cur.width, height: cur.height, channels: 4 } });
    const { data, info } = await inst.def
      .apply(input, inst.params as never, { width: cur.width, height: cur.height })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    cur = { data, width: info.width, height: info.height, hasAlpha: cur.hasAlpha };
  }
  return cur;
}
