/**
 * WebAssembly SIMD median of a (2r+1)² square, per byte lane, 16 values
 * (4 RGBA pixels) at a time. No sorting: the median's 8 bits are found from
 * the top one down. With m the bits found so far, the candidate t = m | bit
 * is kept when at most `rank` window values are below t, which is exactly
 * when the value of that rank is ≥ t. Counts fit a byte: r ≤ 7 (225 values).
 * Radii 1 to 3 go by selection networks instead.
 */
import { median5At, median7At, sortColumns5, sortColumns7 } from './median-networks';

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

/** The median of three, lane by lane (signed: the rows hold values XOR 0x80). */
@inline function med3(x: v128, y: v128, z: v128): v128 {
  return i8x16.max_s(i8x16.min_s(x, y), i8x16.min_s(i8x16.max_s(x, y), z));
}

/**
 * {@link medianRow} for r = 1, by a selection network instead of bit by bit:
 * each of the three columns sorted (three compare-exchanges), then the median
 * of the largest column minimum, the median of the column medians and the
 * smallest column maximum, which is the median of the nine. About 30
 * instructions per 16 values against ~150 for the bitwise search.
 */
export function median3Row(rows: usize, out: usize, count: i32, c: i32): void {
  const r0 = load<usize>(rows), r1 = load<usize>(rows + sizeof<usize>()), r2 = load<usize>(rows + 2 * sizeof<usize>());
  const one = <usize>c, two = <usize>(2 * c);
  const sign = i8x16.splat(-128);
  for (let i = 0; i < count; i += 16) {
    const o = <usize>i;
    let lo = i8x16.splat(-128), mid = i8x16.splat(0), hi = i8x16.splat(127);
    let mid0 = mid, mid1 = mid, mid2 = mid;
    for (let k = 0; k < 3; k++) {
      const d = o + (k == 0 ? 0 : k == 1 ? one : two);
      const a = v128.load(r0 + d), b = v128.load(r1 + d), e = v128.load(r2 + d);
      // Sort the column (a, b, e): t ≤ u, then u against e, then t against the smaller.
      const t = i8x16.min_s(a, b), u = i8x16.max_s(a, b);
      const u2 = i8x16.min_s(u, e), top = i8x16.max_s(u, e);
      const bottom = i8x16.min_s(t, u2), middle = i8x16.max_s(t, u2);
      lo = i8x16.max_s(lo, bottom);
      hi = i8x16.min_s(hi, top);
      if (k == 0) mid0 = middle;
      else if (k == 1) mid1 = middle;
      else mid2 = middle;
    }
    v128.store(out + o, v128.xor(med3(lo, med3(mid0, mid1, mid2), hi), sign));
  }
}

/**
 * {@link medianRow} for r = 2 and 3 (`n` = 5 or 7): each column of the n rows
 * is sorted once into `sorted` (n rank rows, `stride` bytes apart, rank 0
 * first), over the `count + (n − 1)c` padded values; then each output is the
 * median of its window's n sorted columns by a pruned comparator network
 * (median-networks.ts, generated and proved by scripts/median-network.mjs):
 * 114 instructions per 16 values at n = 5 and 362 at n = 7, against about
 * 600 and 1,200 for the bitwise search. `sorted` needs `count + (n − 1)c + 16`
 * bytes per row.
 */
export function medianNetRow(rows: usize, sorted: usize, stride: usize, out: usize, count: i32, c: i32, n: i32): void {
  const padded = count + (n - 1) * c;
  const sign = i8x16.splat(-128);
  if (n == 5) {
    for (let i = 0; i < padded; i += 16) sortColumns5(rows, sorted, stride, <usize>i);
    for (let i = 0; i < count; i += 16) v128.store(out + <usize>i, v128.xor(median5At(sorted + <usize>i, stride, <usize>c), sign));
  } else {
    for (let i = 0; i < padded; i += 16) sortColumns7(rows, sorted, stride, <usize>i);
    for (let i = 0; i < count; i += 16) v128.store(out + <usize>i, v128.xor(median7At(sorted + <usize>i, stride, <usize>c), sign));
  }
}
