/**
 * WebAssembly SIMD box blur, vertical pass first: a running column sum of
 * the padded source rows in 16-bit lanes (at most 201 · 255), then per pixel
 * a running prefix sum along the row in 32-bit lanes, so each output is the
 * difference of two prefixes: O(1) per value whatever the radius. The mean is
 * floor((sum + half) / area) by an f32 divide, which is exact here: sum + half
 * < 2^24, and a quotient that is not an integer lies at least 1/area (≥ 1/40401)
 * below the next one, more than half an f32 ulp at 256 (2^-17). The sums are
 * exact integers, so the bytes equal the JavaScript kernel's.
 */

/** `col[v]` = Σ of the `n` u8 rows whose pointers (u32) are at `rows`, for `count` values. */
export function boxColumnInit(rows: usize, n: i32, col: usize, count: i32): void {
  for (let i = 0; i < count; i += 16) {
    let lo = i16x8.splat(0), hi = lo;
    for (let j = 0; j < n; j++) {
      const v = v128.load(<usize>load<u32>(rows + <usize>(j * 4)) + <usize>i);
      lo = i16x8.add(lo, i16x8.extend_low_i8x16_u(v));
      hi = i16x8.add(hi, i16x8.extend_high_i8x16_u(v));
    }
    const p = col + (<usize>i << 1);
    v128.store(p, lo);
    v128.store(p, hi, 16);
  }
}

/** Slides the column sums down a row: `col[v]` += `add[v]` − `sub[v]` (16-bit lanes; the result is in range). */
export function boxColumnSlide(add: usize, sub: usize, col: usize, count: i32): void {
  for (let i = 0; i < count; i += 16) {
    const a = v128.load(add + <usize>i), s = v128.load(sub + <usize>i);
    const p = col + (<usize>i << 1);
    const lo = i16x8.sub(i16x8.add(v128.load(p), i16x8.extend_low_i8x16_u(a)), i16x8.extend_low_i8x16_u(s));
    const hi = i16x8.sub(i16x8.add(v128.load(p, 16), i16x8.extend_high_i8x16_u(a)), i16x8.extend_high_i8x16_u(s));
    v128.store(p, lo);
    v128.store(p, hi, 16);
  }
}

/**
 * One output row of `width` pixels of `c` bytes (3 or 4): the mean over `n`
 * consecutive padded columns of the column sums at `col` (u16, `c` per
 * pixel). `prefix` is scratch for width + n prefixes of 16 bytes. Each pixel
 * is stored as 4 bytes; with c = 3 the fourth is overwritten by the next
 * pixel, or lands in the slack after the row.
 */
export function boxRow(col: usize, prefix: usize, out: usize, width: i32, c: i32, n: i32, area: i32): void {
  const half = i32x4.splat((area - 1) >> 1);
  const div = f32x4.splat(<f32>area);
  const magic = f32x4.splat(8388608.0);
  const lowBytes = i8x16(0, 4, 8, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  const cc = <usize>(c * 2);
  let p = i32x4.splat(0);
  v128.store(prefix, p);
  // The first n − 1 prefixes only fill the window; from then on each prefix completes one output pixel.
  for (let x = 0; x < n - 1; x++) {
    p = i32x4.add(p, v128.load16x4_u(col + <usize>x * cc));
    v128.store(prefix + (<usize>(x + 1) << 4), p);
  }
  for (let o = 0; o < width; o++) {
    const x = o + n - 1;
    p = i32x4.add(p, v128.load16x4_u(col + <usize>x * cc));
    v128.store(prefix + (<usize>(x + 1) << 4), p);
    const s = i32x4.add(i32x4.sub(p, v128.load(prefix + (<usize>o << 4))), half);
    // floor(q) + 2^23 leaves the integer (0..255) in each lane's low byte.
    const q = f32x4.add(f32x4.floor(f32x4.div(f32x4.convert_i32x4_s(s), div)), magic);
    v128.store32_lane(out + <usize>(o * c), i8x16.swizzle(q, lowBytes), 0);
  }
}
