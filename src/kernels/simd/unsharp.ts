/**
 * The unsharp-mask combine step (AssemblyScript; part of the module built
 * from index.ts): `out[v] = clamp(src[v] + detail[src[v] − blurred[v] + 255], 0, 255)`
 * over `n` bytes, where `detail` is a table of 511 i16 values made by the
 * caller (amount and threshold folded in). The same table lookup as the
 * JavaScript kernel, so every output byte is the same.
 */
export function unsharpRow(src: usize, blurred: usize, out: usize, n: i32, detail: usize): void {
  for (let i = 0; i < n; i++) {
    const v = <i32>load<u8>(src + <usize>i);
    const d = <i32>load<i16>(detail + (<usize>(v - <i32>load<u8>(blurred + <usize>i) + 255) << 1));
    let o = v + d;
    o = o < 0 ? 0 : o > 255 ? 255 : o;
    store<u8>(out + <usize>i, <u8>o);
  }
}

/**
 * The same step when the table is `diff · k` for a whole `k` ≥ 0 and no
 * threshold (sharpen's default, k = 1): `out = clamp(v + k·(v − blurred))`,
 * sixteen values per iteration, in 16-bit lanes (|k·diff| ≤ 2550 fits), and
 * the last `n mod 16` one by one: it writes exactly `n` bytes, so `out` may
 * be `blurred` with the next row right after it.
 */
export function unsharpRowLinear(src: usize, blurred: usize, out: usize, n: i32, k: i32): void {
  const kk = i16x8.splat(<i16>k);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const v = v128.load(src + <usize>i);
    const b = v128.load(blurred + <usize>i);
    const vlo = i16x8.extend_low_i8x16_u(v);
    const vhi = i16x8.extend_high_i8x16_u(v);
    const lo = i16x8.add(vlo, i16x8.mul(kk, i16x8.sub(vlo, i16x8.extend_low_i8x16_u(b))));
    const hi = i16x8.add(vhi, i16x8.mul(kk, i16x8.sub(vhi, i16x8.extend_high_i8x16_u(b))));
    v128.store(out + <usize>i, i8x16.narrow_i16x8_u(lo, hi));
  }
  for (; i < n; i++) {
    const v = <i32>load<u8>(src + <usize>i);
    const o = v + k * (v - <i32>load<u8>(blurred + <usize>i));
    store<u8>(out + <usize>i, <u8>(o < 0 ? 0 : o > 255 ? 255 : o));
  }
}
