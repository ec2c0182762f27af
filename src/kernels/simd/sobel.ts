/**
 * WebAssembly SIMD Sobel gradient magnitude, 16 values (4 RGBA pixels) at a
 * time: Gx and Gy in 16-bit lanes, Gx² + Gy² in 32-bit lanes (at most
 * 2 080 800, exact in f32), then round(sqrt(q) / 4) as floor(sqrt(q) · 0.25 + 0.5)
 * in f32. That equals the JavaScript kernel's Math.round(Math.sqrt(q) / 4)
 * for every q in range (test/simd-kernels.test.ts checks all of them); the
 * saturating narrows clamp to 255.
 */

@inline function magnitude(sx: v128, sy: v128, high: bool): v128 {
  const q = high
    ? i32x4.add(i32x4.extmul_high_i16x8_s(sx, sx), i32x4.extmul_high_i16x8_s(sy, sy))
    : i32x4.add(i32x4.extmul_low_i16x8_s(sx, sx), i32x4.extmul_low_i16x8_s(sy, sy));
  const m = f32x4.floor(f32x4.add(f32x4.mul(f32x4.sqrt(f32x4.convert_i32x4_s(q)), f32x4.splat(0.25)), f32x4.splat(0.5)));
  return i32x4.trunc_sat_f32x4_s(m);
}

/**
 * One output row of `count` values from three padded rows of `c` bytes per
 * pixel (3 or 4; each row padded by one pixel on both sides, edges clamped):
 * `up`, `mid` and `down` point at the padding pixel left of the first output pixel.
 */
export function sobelRow(up: usize, mid: usize, down: usize, out: usize, count: i32, c: i32): void {
  const one = <usize>c, two = <usize>(2 * c);
  for (let i = 0; i < count; i += 16) {
    const o = <usize>i;
    const tl = v128.load(up + o), tc = v128.load(up + o + one), tr = v128.load(up + o + two);
    const ml = v128.load(mid + o), mr = v128.load(mid + o + two);
    const bl = v128.load(down + o), bc = v128.load(down + o + one), br = v128.load(down + o + two);
    // Low and high halves (8 values each) in 16-bit lanes.
    const tlL = i16x8.extend_low_i8x16_u(tl), tlH = i16x8.extend_high_i8x16_u(tl);
    const tcL = i16x8.extend_low_i8x16_u(tc), tcH = i16x8.extend_high_i8x16_u(tc);
    const trL = i16x8.extend_low_i8x16_u(tr), trH = i16x8.extend_high_i8x16_u(tr);
    const mlL = i16x8.extend_low_i8x16_u(ml), mlH = i16x8.extend_high_i8x16_u(ml);
    const mrL = i16x8.extend_low_i8x16_u(mr), mrH = i16x8.extend_high_i8x16_u(mr);
    const blL = i16x8.extend_low_i8x16_u(bl), blH = i16x8.extend_high_i8x16_u(bl);
    const bcL = i16x8.extend_low_i8x16_u(bc), bcH = i16x8.extend_high_i8x16_u(bc);
    const brL = i16x8.extend_low_i8x16_u(br), brH = i16x8.extend_high_i8x16_u(br);
    // Gx = tr + 2·mr + br − tl − 2·ml − bl; Gy = bl + 2·bc + br − tl − 2·tc − tr.
    const sxL = i16x8.add(i16x8.sub(i16x8.add(trL, brL), i16x8.add(tlL, blL)), i16x8.shl(i16x8.sub(mrL, mlL), 1));
    const sxH = i16x8.add(i16x8.sub(i16x8.add(trH, brH), i16x8.add(tlH, blH)), i16x8.shl(i16x8.sub(mrH, mlH), 1));
    const syL = i16x8.add(i16x8.sub(i16x8.add(blL, brL), i16x8.add(tlL, trL)), i16x8.shl(i16x8.sub(bcL, tcL), 1));
    const syH = i16x8.add(i16x8.sub(i16x8.add(blH, brH), i16x8.add(tlH, trH)), i16x8.shl(i16x8.sub(bcH, tcH), 1));
    const lo = i16x8.narrow_i32x4_s(magnitude(sxL, syL, false), magnitude(sxL, syL, true));
    const hi = i16x8.narrow_i32x4_s(magnitude(sxH, syH, false), magnitude(sxH, syH, true));
    v128.store(out + o, i8x16.narrow_i16x8_u(lo, hi));
  }
}
