/**
 * WebAssembly SIMD row kernels of the separable Gaussian (AssemblyScript;
 * part of the module built from index.ts).
 *
 * The arithmetic is exactly that of the JavaScript row kernels in
 * ../gaussian/js.ts (14-bit weights summing to 2^14, 8 fractional bits kept
 * between the passes, round half up), so every output byte is the same; only
 * the order of the integer additions differs. All buffers live in this
 * module's memory, laid out by the caller; rows are processed in blocks of 16
 * values, so each buffer must allow 16 values of slack past its end.
 *
 * Both passes multiply with `i32x4.dot_i16x8_s` (x86's pmaddwd): two taps'
 * values interleaved in 16-bit lanes, times their two weights, summed in
 * 32 bits, so one instruction does eight multiplies and four additions.
 * Every weight is below 2^15, so it fits a signed 16-bit lane.
 *
 * Weights are read from `taps` as `r + 1` i32 values: the centre first, then
 * the weight at distance 1, 2, … r.
 */

/** The intermediate rows are stored with this bias (as signed 16-bit values, h − 2^15), so `dot_i16x8_s` can read them. */
const BIAS: i16 = -32768;

/** Lanes 0–3 of `a` and `b`, interleaved: a0 b0 a1 b1 a2 b2 a3 b3. */
// @ts-ignore: decorator
@inline function low(a: v128, b: v128): v128 {
  return v128.shuffle<i16>(a, b, 0, 8, 1, 9, 2, 10, 3, 11);
}

/** Lanes 4–7 of `a` and `b`, interleaved. */
// @ts-ignore: decorator
@inline function high(a: v128, b: v128): v128 {
  return v128.shuffle<i16>(a, b, 4, 12, 5, 13, 6, 14, 7, 15);
}

/** The weights `wa` and `wb` as the pair repeated in every 32-bit lane, for `dot_i16x8_s` over `low`/`high` interleavings. */
// @ts-ignore: decorator
@inline function pair(wa: i32, wb: i32): v128 {
  return i32x4.splat((wa & 0xffff) | (wb << 16));
}

/**
 * Horizontal pass over one edge-padded row of `c` bytes per pixel (3 or 4):
 * for each of `n` output values v (n = width × c),
 * `h[v] = (Σ w[t] · (pad[v + c(r − t)] + pad[v + c(r + t)]) + 32) >> 6`
 * with the centre counted once. `pad` holds `n + 2cr` bytes; `out` gets
 * `h[v] − 2^15` as i16 (see `vertical`).
 */
export function horizontal(pad: usize, out: usize, n: i32, taps: usize, r: i32, c: i32): void {
  const round = i32x4.splat(32);
  const bias = i16x8.splat(BIAS);
  for (let i = 0; i < n; i += 16) {
    const p = pad + <usize>i;
    // Terms two at a time: (centre, distance 1), (2, 3), …. Each iteration adds the pending
    // term `a` (weight `wa`) with distance t, then loads distance t + 1 as the next pending
    // term; one left pending at the end (r even) is added alone, its partner weighted 0.
    // (Choosing the partner inside the loop, weight 0 past r, ran 20-60 % slower per tile.)
    const mid = v128.load(p + <usize>(r * c));
    let alo = i16x8.extend_low_i8x16_u(mid);
    let ahi = i16x8.extend_high_i8x16_u(mid);
    let wa = load<i32>(taps);
    let a0 = i32x4.splat(0);
    let a1 = a0;
    let a2 = a0;
    let a3 = a0;
    let t = 1;
    for (; t <= r; t++) {
      const left = v128.load(p + <usize>((r - t) * c));
      const right = v128.load(p + <usize>((r + t) * c));
      const blo = i16x8.add(i16x8.extend_low_i8x16_u(left), i16x8.extend_low_i8x16_u(right));
      const bhi = i16x8.add(i16x8.extend_high_i8x16_u(left), i16x8.extend_high_i8x16_u(right));
      const w = pair(wa, load<i32>(taps + <usize>(t * 4)));
      a0 = i32x4.add(a0, i32x4.dot_i16x8_s(low(alo, blo), w));
      a1 = i32x4.add(a1, i32x4.dot_i16x8_s(high(alo, blo), w));
      a2 = i32x4.add(a2, i32x4.dot_i16x8_s(low(ahi, bhi), w));
      a3 = i32x4.add(a3, i32x4.dot_i16x8_s(high(ahi, bhi), w));
      t++;
      if (t > r) {
        wa = 0;
        break;
      }
      const l2 = v128.load(p + <usize>((r - t) * c));
      const r2 = v128.load(p + <usize>((r + t) * c));
      alo = i16x8.add(i16x8.extend_low_i8x16_u(l2), i16x8.extend_low_i8x16_u(r2));
      ahi = i16x8.add(i16x8.extend_high_i8x16_u(l2), i16x8.extend_high_i8x16_u(r2));
      wa = load<i32>(taps + <usize>(t * 4));
    }
    if (wa !== 0) {
      // A last term without a partner (r even, or r = 0) is weighted alone.
      const w = pair(wa, 0);
      a0 = i32x4.add(a0, i32x4.dot_i16x8_s(low(alo, alo), w));
      a1 = i32x4.add(a1, i32x4.dot_i16x8_s(high(alo, alo), w));
      a2 = i32x4.add(a2, i32x4.dot_i16x8_s(low(ahi, ahi), w));
      a3 = i32x4.add(a3, i32x4.dot_i16x8_s(high(ahi, ahi), w));
    }
    const o = out + <usize>(i * 2);
    v128.store(o, v128.xor(i16x8.narrow_i32x4_u(i32x4.shr_u(i32x4.add(a0, round), 6), i32x4.shr_u(i32x4.add(a1, round), 6)), bias));
    v128.store(o + 16, v128.xor(i16x8.narrow_i32x4_u(i32x4.shr_u(i32x4.add(a2, round), 6), i32x4.shr_u(i32x4.add(a3, round), 6)), bias));
  }
}

/**
 * Vertical pass for one output row: `out[v] = (Σ w[t] · (h_up_t[v] + h_down_t[v]) + 2^21) >> 22`,
 * centre counted once, over `n` values per row. `rows` holds `2r + 1`
 * usize pointers to rows from `horizontal` (h − 2^15 as i16): the centre
 * row, then up₁, down₁, up₂, down₂, …. The weights sum to 2^14, so the
 * bias adds back as 2^15 · 2^14 = 2^29.
 */
export function vertical(rows: usize, out: usize, n: i32, taps: usize, r: i32): void {
  const wc = pair(load<i32>(taps), 0);
  const round = i32x4.splat((1 << 29) + (1 << 21));
  const centre = load<usize>(rows);
  for (let i = 0; i < n; i += 16) {
    const off = <usize>(i * 2);
    const c0 = v128.load(centre + off);
    const c1 = v128.load(centre + off + 16);
    let a0 = i32x4.dot_i16x8_s(low(c0, c0), wc);
    let a1 = i32x4.dot_i16x8_s(high(c0, c0), wc);
    let a2 = i32x4.dot_i16x8_s(low(c1, c1), wc);
    let a3 = i32x4.dot_i16x8_s(high(c1, c1), wc);
    for (let t = 1; t <= r; t++) {
      const wt = load<i32>(taps + <usize>(t * 4));
      const w = pair(wt, wt);
      const up = load<usize>(rows + <usize>((2 * t - 1) * sizeof<usize>())) + off;
      const down = load<usize>(rows + <usize>(2 * t * sizeof<usize>())) + off;
      const u0 = v128.load(up);
      const u1 = v128.load(up + 16);
      const d0 = v128.load(down);
      const d1 = v128.load(down + 16);
      a0 = i32x4.add(a0, i32x4.dot_i16x8_s(low(u0, d0), w));
      a1 = i32x4.add(a1, i32x4.dot_i16x8_s(high(u0, d0), w));
      a2 = i32x4.add(a2, i32x4.dot_i16x8_s(low(u1, d1), w));
      a3 = i32x4.add(a3, i32x4.dot_i16x8_s(high(u1, d1), w));
    }
    const lo = i16x8.narrow_i32x4_u(i32x4.shr_u(i32x4.add(a0, round), 22), i32x4.shr_u(i32x4.add(a1, round), 22));
    const hi = i16x8.narrow_i32x4_u(i32x4.shr_u(i32x4.add(a2, round), 22), i32x4.shr_u(i32x4.add(a3, round), 22));
    v128.store(out + <usize>i, i8x16.narrow_i16x8_u(lo, hi));
  }
}

/**
 * The whole blur of one band of output rows, in the module: pads each
 * source row (edge pixels repeated past the image's left and right edges),
 * runs `horizontal` into a ring of 2r + 1 rows as the band first needs it,
 * and `vertical` for each output row.
 *
 * - `src` holds the source rows `first` … `last` (global), `srcRowBytes`
 *   apart; a padded row takes `inside` pixels from `insideAt` bytes into
 *   each, after `left` copies of its first pixel and before copies of its last.
 * - Output rows `gy0` … `gy1 − 1` (global) go to `out`, `n` bytes apart; the
 *   window of output row y is rows y − r … y + r clamped to `[0, H − 1]`.
 * - Scratch: `pad` (a padded row), `ring` (2r + 1 slots of `slotBytes`) and
 *   `rows` (2r + 1 pointers, as `vertical` reads them).
 */
export function gaussianBand(
  src: usize, first: i32, last: i32, srcRowBytes: i32, insideAt: i32, left: i32, inside: i32,
  out: usize, gy0: i32, gy1: i32, H: i32, n: i32, c: i32, taps: usize, r: i32,
  pad: usize, ring: usize, slotBytes: i32, rows: usize,
): void {
  const ringRows = 2 * r + 1;
  const right = left + inside;
  const padPixels = n / c + 2 * r;
  const firstPixel = pad + <usize>(left * c);
  const lastPixel = pad + <usize>((right - 1) * c);
  let next = first;
  for (let gy = gy0; gy < gy1; gy++) {
    const need = min(last, gy + r);
    for (; next <= need; next++) {
      memory.copy(firstPixel, src + <usize>((next - first) * srcRowBytes + insideAt), <usize>(inside * c));
      for (let i = 0; i < left; i++) memory.copy(pad + <usize>(i * c), firstPixel, <usize>c);
      for (let i = right; i < padPixels; i++) memory.copy(pad + <usize>(i * c), lastPixel, <usize>c);
      horizontal(pad, ring + <usize>(((next - first) % ringRows) * slotBytes), n, taps, r, c);
    }
    store<usize>(rows, ring + <usize>(((gy - first) % ringRows) * slotBytes));
    for (let t = 1; t <= r; t++) {
      const up = max(0, gy - t);
      const down = min(H - 1, gy + t);
      store<usize>(rows + <usize>((2 * t - 1) * sizeof<usize>()), ring + <usize>(((up - first) % ringRows) * slotBytes));
      store<usize>(rows + <usize>(2 * t * sizeof<usize>()), ring + <usize>(((down - first) % ringRows) * slotBytes));
    }
    vertical(rows, out + <usize>((gy - gy0) * n), n, taps, r);
  }
}
