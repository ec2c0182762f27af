/**
 * WebAssembly SIMD median of a (2r+1)² square, per byte lane, 16 values
 * (4 RGBA pixels) at a time. No sorting: the median's 8 bits are found from
 * the top one down. With m the bits found so far, the candidate t = m | bit
 * is kept when at most `rank` window values are below t, which is exactly
 * when the value of that rank is ≥ t. Counts fit a byte: r ≤ 7 (225 values).
 */

/**
 * One output row: `out[v]` = the value of rank `rank` (0-based, ascending)
 * among `pad_j[v + c·dx]` for the `n` padded rows j and dx in [0, n), over
 * `count` values, `c` bytes per pixel (3 or 4). `rows` holds the `n` row
 * pointers (usize); the rows hold every value XOR 0x80.
 */
export function medianRow(rows: usize, out: usize, count: i32, n: i32, rank: i32, c: i32): void {
  const limit = i8x16.splat(<i8>rank);
  const sign = i8x16.splat(-128);
  for (let i = 0; i < count; i += 16) {
    let m = i8x16.splat(0);
    for (let bit = 7; bit >= 0; bit--) {
      const b: i32 = 1 << bit;
      const t = v128.or(m, i8x16.splat(<i8>b));
      // The rows hold values XOR 0x80, so that one signed compare (a single x86 instruction,
      // where an unsigned one takes three) orders them as unsigned values.
      const ts = v128.xor(t, sign);
      let below = i8x16.splat(0);
      for (let j = 0; j < n; j++) {
        const row = load<usize>(rows + <usize>(j * sizeof<usize>())) + <usize>i;
        for (let dx = 0; dx < n; dx++) {
          // lt_s gives all ones (−1) where v < t: subtracting it counts.
          below = i8x16.sub(below, i8x16.lt_s(v128.load(row + <usize>(dx * c)), ts));
        }
      }
      m = v128.bitselect(t, m, i8x16.le_u(below, limit));
    }
    v128.store(out + <usize>i, m);
  }
}
