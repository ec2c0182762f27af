/**
 * WebAssembly SIMD row kernels of the separable Gaussian (AssemblyScript;
 * part of the module built from index.ts).
 *
 * The arithmetic is exactly that of the JavaScript row kernels in
 * ../gaussian.ts (14-bit weights summing to 2^14, 8 fractional bits kept
 * between the passes, round half up), so every output byte is the same; only
 * four to sixteen values are computed per instruction. All buffers live in
 * this module's memory, laid out by the caller; rows are processed in blocks
 * of 16 values, so each buffer must allow 16 values of slack past its end.
 *
 * Weights are read from `taps` as `r + 1` i32 values: the centre first, then
 * the weight at distance 1, 2, … r.
 */

/**
 * Horizontal pass over one edge-padded row of `c` bytes per pixel (3 or 4):
 * for each of `n` output values v (n = width × c),
 * `out[v] = (Σ w[t] · (pad[v + c(r − t)] + pad[v + c(r + t)]) + 32) >> 6`
 * with the centre counted once. `pad` holds `n + 2cr` bytes; `out` is u16.
 */
export function horizontal(pad: usize, out: usize, n: i32, taps: usize, r: i32, c: i32): void {
  const w0 = i16x8.splat(<i16>load<i32>(taps));
  const round = i32x4.splat(32);
  for (let i = 0; i < n; i += 16) {
    const p = pad + <usize>i;
    const mid = v128.load(p + <usize>(r * c));
    const clo = i16x8.extend_low_i8x16_u(mid);
    const chi = i16x8.extend_high_i8x16_u(mid);
    let a0 = i32x4.extmul_low_i16x8_u(clo, w0);
    let a1 = i32x4.extmul_high_i16x8_u(clo, w0);
    let a2 = i32x4.extmul_low_i16x8_u(chi, w0);
    let a3 = i32x4.extmul_high_i16x8_u(chi, w0);
    for (let t = 1; t <= r; t++) {
      const w = i16x8.splat(<i16>load<i32>(taps + <usize>(t * 4)));
      const left = v128.load(p + <usize>((r - t) * c));
      const right = v128.load(p + <usize>((r + t) * c));
      const slo = i16x8.add(i16x8.extend_low_i8x16_u(left), i16x8.extend_low_i8x16_u(right));
      const shi = i16x8.add(i16x8.extend_high_i8x16_u(left), i16x8.extend_high_i8x16_u(right));
      a0 = i32x4.add(a0, i32x4.extmul_low_i16x8_u(slo, w));
      a1 = i32x4.add(a1, i32x4.extmul_high_i16x8_u(slo, w));
      a2 = i32x4.add(a2, i32x4.extmul_low_i16x8_u(shi, w));
      a3 = i32x4.add(a3, i32x4.extmul_high_i16x8_u(shi, w));
    }
    const o = out + <usize>(i * 2);
    v128.store(o, i16x8.narrow_i32x4_u(i32x4.shr_u(i32x4.add(a0, round), 6), i32x4.shr_u(i32x4.add(a1, round), 6)));
    v128.store(o + 16, i16x8.narrow_i32x4_u(i32x4.shr_u(i32x4.add(a2, round), 6), i32x4.shr_u(i32x4.add(a3, round), 6)));
  }
}

/**
 * Vertical pass for one output row: `out[v] = (Σ w[t] · (h_up_t[v] + h_down_t[v]) + 2^21) >> 22`,
 * centre counted once, over `n` u16 values per row. `rows` holds `2r + 1`
 * usize pointers to u16 rows: the centre row, then up₁, down₁, up₂, down₂, ….
 */
export function vertical(rows: usize, out: usize, n: i32, taps: usize, r: i32): void {
  const w0 = i16x8.splat(<i16>load<i32>(taps));
  const round = i32x4.splat(1 << 21);
  const centre = load<usize>(rows);
  for (let i = 0; i < n; i += 16) {
    const off = <usize>(i * 2);
    const c0 = v128.load(centre + off);
    const c1 = v128.load(centre + off + 16);
    let a0 = i32x4.extmul_low_i16x8_u(c0, w0);
    let a1 = i32x4.extmul_high_i16x8_u(c0, w0);
    let a2 = i32x4.extmul_low_i16x8_u(c1, w0);
    let a3 = i32x4.extmul_high_i16x8_u(c1, w0);
    for (let t = 1; t <= r; t++) {
      const w = i16x8.splat(<i16>load<i32>(taps + <usize>(t * 4)));
      const up = load<usize>(rows + <usize>((2 * t - 1) * sizeof<usize>())) + off;
      const down = load<usize>(rows + <usize>(2 * t * sizeof<usize>())) + off;
      const u0 = v128.load(up);
      const u1 = v128.load(up + 16);
      const d0 = v128.load(down);
      const d1 = v128.load(down + 16);
      a0 = i32x4.add(a0, i32x4.add(i32x4.extmul_low_i16x8_u(u0, w), i32x4.extmul_low_i16x8_u(d0, w)));
      a1 = i32x4.add(a1, i32x4.add(i32x4.extmul_high_i16x8_u(u0, w), i32x4.extmul_high_i16x8_u(d0, w)));
      a2 = i32x4.add(a2, i32x4.add(i32x4.extmul_low_i16x8_u(u1, w), i32x4.extmul_low_i16x8_u(d1, w)));
      a3 = i32x4.add(a3, i32x4.add(i32x4.extmul_high_i16x8_u(u1, w), i32x4.extmul_high_i16x8_u(d1, w)));
    }
    const lo = i16x8.narrow_i32x4_u(i32x4.shr_u(i32x4.add(a0, round), 22), i32x4.shr_u(i32x4.add(a1, round), 22));
    const hi = i16x8.narrow_i32x4_u(i32x4.shr_u(i32x4.add(a2, round), 22), i32x4.shr_u(i32x4.add(a3, round), 22));
    v128.store(out + <usize>i, i8x16.narrow_i16x8_u(lo, hi));
  }
}
