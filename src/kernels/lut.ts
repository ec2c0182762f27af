/**
 * Per-channel lookup tables: a 768-byte table holds the R, G and B maps
 * (`lut[c * 256 + v]`). Consecutive LUT operations compose into one table.
 */

/** Number of bytes in an RGB lookup table. */
export const LUT_SIZE = 768;

/** A table built from one function applied to every channel value. */
export function lutFrom(f: (v: number, channel: number) => number): Uint8Array {
  const lut = new Uint8Array(LUT_SIZE);
  for (let c = 0; c < 3; c++) {
    for (let v = 0; v < 256; v++) {
      const y = Math.round(f(v, c));
      lut[c * 256 + v] = y < 0 ? 0 : y > 255 ? 255 : y;
    }
  }
  return lut;
}

/** The table equivalent to applying `first`, then `second`. */
export function composeLut(first: Uint8Array, second: Uint8Array): Uint8Array {
  const out = new Uint8Array(LUT_SIZE);
  for (let c = 0; c < 3; c++) {
    const o = c * 256;
    for (let v = 0; v < 256; v++) out[o + v] = second[o + first[o + v]];
  }
  return out;
}

/**
 * Maps R, G, B of every pixel (`channels` bytes each: RGBA, or RGB) through the
 * table, in place; alpha is untouched.
 */
export function applyLut(data: Uint8Array, lut: Uint8Array, channels: 3 | 4 = 4): void {
  if (channels === 3) return applyLutRgb(data, lut);
  for (let i = 0, n = data.length; i < n; i += 4) {
    data[i] = lut[data[i]];
    data[i + 1] = lut[256 + data[i + 1]];
    data[i + 2] = lut[512 + data[i + 2]];
  }
}

/** Maps every pixel of packed RGB (3 bytes per pixel) through the table, in place: its own loop, so each keeps a constant stride. */
function applyLutRgb(data: Uint8Array, lut: Uint8Array): void {
  for (let i = 0, n = data.length; i < n; i += 3) {
    data[i] = lut[data[i]];
    data[i + 1] = lut[256 + data[i + 1]];
    data[i + 2] = lut[512 + data[i + 2]];
  }
}
