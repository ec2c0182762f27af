/**
 * WebAssembly SIMD median of a (2r+1)² square, per byte lane, 16 values
 * (4 RGBA pixels) at a time. No sorting: the median's 8 bits are found from
 * the top one down. With m the bits found so far, the candidate t = m | bit
 * is kept when at most `rank` window values are below t, which is exactly
 * when the value of that rank is ≥ t. Counts fit a byte: r ≤ 7 (225 values).
 * Radii 1 and 2 go by selection networks instead.
 */
import { median25 } from './median5-network';

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
 * {@link medianRow} for r = 2: each column of the five rows is sorted once
 * (nine compare-exchanges per 16 values) into `sorted`, five rows `stride`
 * bytes apart (rank 0 first), over the `count + 4c` padded values; then each
 * output is {@link median25} of its window's five sorted columns, a pruned
 * network of 116 instructions per 16 values (scripts/median-network.mjs)
 * against ~600 for the bitwise search. `sorted` needs `count + 4c + 16`
 * bytes per row.
 */
export function median5Row(rows: usize, sorted: usize, stride: usize, out: usize, count: i32, c: i32): void {
  const r0 = load<usize>(rows), r1 = load<usize>(rows + sizeof<usize>()), r2 = load<usize>(rows + 2 * sizeof<usize>());
  const r3 = load<usize>(rows + 3 * sizeof<usize>()), r4 = load<usize>(rows + 4 * sizeof<usize>());
  const padded = count + 4 * c;
  for (let i = 0; i < padded; i += 16) {
    const o = <usize>i;
    let a = v128.load(r0 + o), b = v128.load(r1 + o), d = v128.load(r2 + o), e = v128.load(r3 + o), f = v128.load(r4 + o);
    // The 9-comparator sort of five (the generator's SORT5): (0,1) (3,4) (2,4) (2,3) (1,4) (0,3) (0,2) (1,3) (1,2).
    let t = i8x16.min_s(a, b); b = i8x16.max_s(a, b); a = t;
    t = i8x16.min_s(e, f); f = i8x16.max_s(e, f); e = t;
    t = i8x16.min_s(d, f); f = i8x16.max_s(d, f); d = t;
    t = i8x16.min_s(d, e); e = i8x16.max_s(d, e); d = t;
    t = i8x16.min_s(b, f); f = i8x16.max_s(b, f); b = t;
    t = i8x16.min_s(a, e); e = i8x16.max_s(a, e); a = t;
    t = i8x16.min_s(a, d); d = i8x16.max_s(a, d); a = t;
    t = i8x16.min_s(b, e); e = i8x16.max_s(b, e); b = t;
    t = i8x16.min_s(b, d); d = i8x16.max_s(b, d); b = t;
    v128.store(sorted + o, a);
    v128.store(sorted + stride + o, b);
    v128.store(sorted + 2 * stride + o, d);
    v128.store(sorted + 3 * stride + o, e);
    v128.store(sorted + 4 * stride + o, f);
  }
  const c1 = <usize>c, c2 = <usize>(2 * c), c3 = <usize>(3 * c), c4 = <usize>(4 * c);
  const sign = i8x16.splat(-128);
  for (let i = 0; i < count; i += 16) {
    const p0 = sorted + <usize>i, p1 = p0 + stride, p2 = p1 + stride, p3 = p2 + stride, p4 = p3 + stride;
    const m = median25(
      v128.load(p0), v128.load(p0 + c1), v128.load(p0 + c2), v128.load(p0 + c3), v128.load(p0 + c4),
      v128.load(p1), v128.load(p1 + c1), v128.load(p1 + c2), v128.load(p1 + c3), v128.load(p1 + c4),
      v128.load(p2), v128.load(p2 + c1), v128.load(p2 + c2), v128.load(p2 + c3), v128.load(p2 + c4),
      v128.load(p3), v128.load(p3 + c1), v128.load(p3 + c2), v128.load(p3 + c3), v128.load(p3 + c4),
      v128.load(p4), v128.load(p4 + c1), v128.load(p4 + c2), v128.load(p4 + c3), v128.load(p4 + c4),
    );
    v128.store(out + <usize>i, v128.xor(m, sign));
  }
}
