/**
 * Colour-matrix kernels for point ops that mix channels (hue, sepia,
 * channel-mix), and the luma weights and 32-bit pixel access shared with
 * saturation, tint, threshold and equalize. A matrix op's output channel is a
 * weighted sum of the input channels. Exactly: each coefficient is rounded to a multiple of
 * 1/65536 (`c = round(m · 65536)`; exact for the luma weights below and for
 * dyadic values such as 0.5 or 0.25), the sum is an integer, and
 * `out = clamp((Σ c_j · v_j + 32768) >> 16, 0, 255)`, i.e. rounded half up.
 * Integer maths only, so a pixel's result never depends on its tile. Pixels
 * are read and written as 32-bit words where the bytes allow (aligned,
 * little-endian), else byte by byte; both paths give the same bytes.
 */

/**
 * Rec. 709 luma weights, scaled to 2^16 so that they sum exactly to 65536
 * (the same weights as the `grayscale` op).
 */
export const LUMA_R16 = 13933;
export const LUMA_G16 = 46871;
export const LUMA_B16 = 4732;

/** The luma weights as fractions of 1 (`[wR, wG, wB]`, exact multiples of 1/65536). */
export const LUMA = [LUMA_R16 / 65536, LUMA_G16 / 65536, LUMA_B16 / 65536] as const;

/** The 3×3 identity, row-major. */
export const IDENTITY3: readonly number[] = [1, 0, 0, 0, 1, 0, 0, 0, 1];

/** `a · A + b · B` for two row-major matrices of the same size. */
export function mixMatrices(a: number, A: readonly number[], b: number, B: readonly number[]): number[] {
  return A.map((v, i) => a * v + b * B[i]);
}

/** Whether pixels can be read as little-endian 32-bit words (R in the low byte). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** A 32-bit view of RGBA bytes, or undefined when the pixels are RGB (`channels` 3), the bytes unaligned or the platform big-endian. */
export function pixelWords(data: Uint8Array, channels: 3 | 4 = 4): Uint32Array | undefined {
  return channels === 4 && LITTLE_ENDIAN && data.byteOffset % 4 === 0 ? new Uint32Array(data.buffer, data.byteOffset, data.length >> 2) : undefined;
}

/**
 * A table clamping every integer in [lo, hi] to 0..255, read at `value + offset`:
 * a branch-free clamp (branches mispredict where clamping is frequent and scattered).
 */
export function clampTable(lo: number, hi: number): { table: Uint8Array; offset: number } {
  lo = Math.min(lo, 0);
  hi = Math.max(hi, 255);
  const table = new Uint8Array(hi - lo + 1);
  for (let v = lo; v <= hi; v++) table[v - lo] = v < 0 ? 0 : v > 255 ? 255 : v;
  return { table, offset: -lo };
}

/**
 * Coefficients in 1/65536 units; whether every row's result is already within
 * 0..255 (non-negative coefficients, row sums ≤ 1: no clamping needed); and a
 * clamp table covering every reachable `(sum + 32768) >> 16`.
 */
function fixedPoint(m: readonly number[], columns: number): { c: Int32Array; inRange: boolean; table: Uint8Array; offset: number } {
  const c = Int32Array.from(m, (v) => Math.round(v * 65536));
  let lo = 0;
  let hi = 0;
  for (let row = 0; row < m.length / columns; row++) {
    let neg = 0;
    let pos = 0;
    for (let j = 0; j < columns; j++) {
      const k = c[row * columns + j];
      if (k < 0) neg += k * 255;
      else pos += k * 255;
    }
    lo = Math.min(lo, (neg + 32768) >> 16);
    hi = Math.max(hi, (pos + 32768) >> 16);
  }
  return { c, inRange: lo === 0 && hi <= 255, ...clampTable(lo, hi) };
}

/**
 * Rewrites R, G, B of every pixel (`channels` bytes each: RGBA or RGB) in place
 * with the row-major 3×3 matrix `m` (see the module comment for the exact
 * arithmetic). Alpha is untouched.
 */
export function applyMatrix3(data: Uint8Array, m: readonly number[], channels: 3 | 4 = 4): void {
  const { c, inRange, table: t, offset } = fixedPoint(m, 3);
  // (sum + 32768) >> 16 read at + offset, folded: (sum + k) >> 16 with k = 32768 + offset·65536 (< 2^31).
  const k = 32768 + offset * 65536;
  const c0 = c[0], c1 = c[1], c2 = c[2];
  const c3 = c[3], c4 = c[4], c5 = c[5];
  const c6 = c[6], c7 = c[7], c8 = c[8];
  const words = pixelWords(data, channels);
  if (words && inRange) {
    for (let i = 0, n = words.length; i < n; i++) {
      const p = words[i];
      const r = p & 255, g = (p >>> 8) & 255, b = (p >>> 16) & 255;
      const x = (Math.imul(c0, r) + Math.imul(c1, g) + Math.imul(c2, b) + 32768) >> 16;
      const y = (Math.imul(c3, r) + Math.imul(c4, g) + Math.imul(c5, b) + 32768) >> 16;
      const z = (Math.imul(c6, r) + Math.imul(c7, g) + Math.imul(c8, b) + 32768) >> 16;
      words[i] = (p & 0xff000000) | (z << 16) | (y << 8) | x;
    }
  } else if (words) {
    for (let i = 0, n = words.length; i < n; i++) {
      const p = words[i];
      const r = p & 255, g = (p >>> 8) & 255, b = (p >>> 16) & 255;
      const x = t[(Math.imul(c0, r) + Math.imul(c1, g) + Math.imul(c2, b) + k) >> 16];
      const y = t[(Math.imul(c3, r) + Math.imul(c4, g) + Math.imul(c5, b) + k) >> 16];
      const z = t[(Math.imul(c6, r) + Math.imul(c7, g) + Math.imul(c8, b) + k) >> 16];
      words[i] = (p & 0xff000000) | (z << 16) | (y << 8) | x;
    }
  } else {
    for (let i = 0, n = data.length; i < n; i += channels) {
      const r = data[i], g = data[i + 1], b = data[i + 2];
      data[i] = t[(Math.imul(c0, r) + Math.imul(c1, g) + Math.imul(c2, b) + k) >> 16];
      data[i + 1] = t[(Math.imul(c3, r) + Math.imul(c4, g) + Math.imul(c5, b) + k) >> 16];
      data[i + 2] = t[(Math.imul(c6, r) + Math.imul(c7, g) + Math.imul(c8, b) + k) >> 16];
    }
  }
}

/**
 * As {@link applyMatrix3} with a row-major 4×4 matrix over R, G, B, A (straight
 * alpha): the fourth row writes alpha, the fourth column lets alpha feed colour.
 * RGB pixels (`channels` 3) are opaque: alpha 255 feeds colour, and the alpha row is not stored.
 */
export function applyMatrix4(data: Uint8Array, m: readonly number[], channels: 3 | 4 = 4): void {
  const { c, table: t, offset } = fixedPoint(m, 4);
  const k = 32768 + offset * 65536;
  const c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3];
  const c4 = c[4], c5 = c[5], c6 = c[6], c7 = c[7];
  const c8 = c[8], c9 = c[9], c10 = c[10], c11 = c[11];
  const c12 = c[12], c13 = c[13], c14 = c[14], c15 = c[15];
  if (channels === 3) {
    for (let i = 0, n = data.length; i < n; i += 3) {
      const r = data[i], g = data[i + 1], b = data[i + 2];
      data[i] = t[(Math.imul(c0, r) + Math.imul(c1, g) + Math.imul(c2, b) + Math.imul(c3, 255) + k) >> 16];
      data[i + 1] = t[(Math.imul(c4, r) + Math.imul(c5, g) + Math.imul(c6, b) + Math.imul(c7, 255) + k) >> 16];
      data[i + 2] = t[(Math.imul(c8, r) + Math.imul(c9, g) + Math.imul(c10, b) + Math.imul(c11, 255) + k) >> 16];
    }
    return;
  }
  const words = pixelWords(data);
  if (words && c3 === 0 && c7 === 0 && c11 === 0 && c12 === 0 && c13 === 0 && c14 === 0) {
    // Colour from colour, alpha from alpha (the usual case): 9 products and an alpha table.
    const alpha = new Uint8Array(256);
    for (let a = 0; a < 256; a++) alpha[a] = t[(c15 * a + k) >> 16];
    for (let i = 0, n = words.length; i < n; i++) {
      const p = words[i];
      const r = p & 255, g = (p >>> 8) & 255, b = (p >>> 16) & 255;
      const x = t[(Math.imul(c0, r) + Math.imul(c1, g) + Math.imul(c2, b) + k) >> 16];
      const y = t[(Math.imul(c4, r) + Math.imul(c5, g) + Math.imul(c6, b) + k) >> 16];
      const z = t[(Math.imul(c8, r) + Math.imul(c9, g) + Math.imul(c10, b) + k) >> 16];
      words[i] = (alpha[p >>> 24] << 24) | (z << 16) | (y << 8) | x;
    }
    return;
  }
  if (words) {
    for (let i = 0, n = words.length; i < n; i++) {
      const p = words[i];
      const r = p & 255, g = (p >>> 8) & 255, b = (p >>> 16) & 255, a = p >>> 24;
      const x = t[(Math.imul(c0, r) + Math.imul(c1, g) + Math.imul(c2, b) + Math.imul(c3, a) + k) >> 16];
      const y = t[(Math.imul(c4, r) + Math.imul(c5, g) + Math.imul(c6, b) + Math.imul(c7, a) + k) >> 16];
      const z = t[(Math.imul(c8, r) + Math.imul(c9, g) + Math.imul(c10, b) + Math.imul(c11, a) + k) >> 16];
      const w = t[(Math.imul(c12, r) + Math.imul(c13, g) + Math.imul(c14, b) + Math.imul(c15, a) + k) >> 16];
      words[i] = (w << 24) | (z << 16) | (y << 8) | x;
    }
    return;
  }
  for (let i = 0, n = data.length; i < n; i += 4) {
    const r = data[i], g = data[i + 1], b = data[i + 2], a = data[i + 3];
    data[i] = t[(Math.imul(c0, r) + Math.imul(c1, g) + Math.imul(c2, b) + Math.imul(c3, a) + k) >> 16];
    data[i + 1] = t[(Math.imul(c4, r) + Math.imul(c5, g) + Math.imul(c6, b) + Math.imul(c7, a) + k) >> 16];
    data[i + 2] = t[(Math.imul(c8, r) + Math.imul(c9, g) + Math.imul(c10, b) + Math.imul(c11, a) + k) >> 16];
    data[i + 3] = t[(Math.imul(c12, r) + Math.imul(c13, g) + Math.imul(c14, b) + Math.imul(c15, a) + k) >> 16];
  }
}
