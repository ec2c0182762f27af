/**
 * Alpha handling around neighbourhood kernels: premultiply before, so that
 * transparent pixels do not bleed their (meaningless) colour into neighbours,
 * and unpremultiply after. All integer, rounded to nearest.
 */

/** Multiplies R, G, B by A/255 in place. */
export function premultiply(data: Uint8Array): void {
  for (let i = 0, n = data.length; i < n; i += 4) {
    const a = data[i + 3];
    if (a === 255) continue;
    if (a === 0) {
      data[i] = data[i + 1] = data[i + 2] = 0;
      continue;
    }
    data[i] = ((data[i] * a + 127) / 255) | 0;
    data[i + 1] = ((data[i + 1] * a + 127) / 255) | 0;
    data[i + 2] = ((data[i + 2] * a + 127) / 255) | 0;
  }
}

/** Divides R, G, B by A/255 in place (fully transparent pixels become 0,0,0,0). */
export function unpremultiply(data: Uint8Array): void {
  for (let i = 0, n = data.length; i < n; i += 4) {
    const a = data[i + 3];
    if (a === 255) continue;
    if (a === 0) {
      data[i] = data[i + 1] = data[i + 2] = 0;
      continue;
    }
    const h = a >> 1;
    data[i] = Math.min(255, ((data[i] * 255 + h) / a) | 0);
    data[i + 1] = Math.min(255, ((data[i + 1] * 255 + h) / a) | 0);
    data[i + 2] = Math.min(255, ((data[i + 2] * 255 + h) / a) | 0);
  }
}

/** Sets every alpha byte to `value`. */
export function fillAlpha(data: Uint8Array, value: number): void {
  for (let i = 3, n = data.length; i < n; i += 4) data[i] = value;
}
