/**
 * WebAssembly SIMD square convolution, 16 values at a time. The caller lists
 * the matrix's non-zero taps as (address, weight) pairs, each address the
 * byte (or f64 element) of the tap's padded source row that lines up with the
 * row's first output value. Two paths, both giving the JavaScript kernel's
 * bytes (convolve/js.ts):
 * - integral weights: Σ w·v in 32-bit lanes, exact (|Σ| ≤ 225 · 1000 · 255);
 * - any weights: Σ w·v in f64 lanes over rows widened to f64, in the same tap
 *   order as the JavaScript loop, one rounding per multiply and per add.
 * Then `Σ + offset` (integral weights, divisor 1, integral offset) or
 * round-half-up(Σ / divisor + offset) in f64, and saturating narrows to 0..255.
 * A divisor that is a power of two is applied as a multiply by its exact
 * reciprocal (the same double), which costs a fraction of a divide.
 */

/** 2^52: added to an integral double in [0, 2^31), it leaves the integer in the low 32 bits. */
const BIAS: f64 = 4503599627370496.0;

/**
 * round(s / divisor + offset) half up, as Math.round, for two f64 lanes, clamped to [0, 255]
 * and biased by {@link BIAS} (the byte is each lane's lowest); `divisor` holds 1 / divisor
 * instead when `reciprocal` (a power of two: the same quotient).
 */
@inline function finish2(s: v128, divisor: v128, offset: v128, reciprocal: bool): v128 {
  const x = f64x2.add(reciprocal ? f64x2.mul(s, divisor) : f64x2.div(s, divisor), offset);
  const f = f64x2.floor(x);
  // x − floor(x) is exact, so the half-way test is too; the mask's bits AND 1.0 give 1.0 or +0.
  const up = v128.and(f64x2.ge(f64x2.sub(x, f), f64x2.splat(0.5)), f64x2.splat(1.0));
  const clamped = f64x2.pmax(f64x2.splat(0), f64x2.pmin(f64x2.splat(255), f64x2.add(f, up)));
  return f64x2.add(clamped, f64x2.splat(BIAS));
}

/** The low i32 lanes of two biased f64x2 vectors (four values in [0, 255], in order) as one i32x4. */
@inline function lows(a: v128, b: v128): v128 {
  return i8x16.shuffle(a, b, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27);
}

/** Eight biased f64x2 vectors (16 values, in order) as one u8x16. */
@inline function pack16(v0: v128, v1: v128, v2: v128, v3: v128, v4: v128, v5: v128, v6: v128, v7: v128): v128 {
  return i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(lows(v0, v1), lows(v2, v3)), i16x8.narrow_i32x4_s(lows(v4, v5), lows(v6, v7)));
}

/** The high two i32 lanes of `s` as the low two. */
@inline function high(s: v128): v128 {
  return i8x16.shuffle(s, s, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
}

/** What follows the sum: {@link FINISH_PLAIN} Σ + offset, {@link FINISH_DIVIDE} Σ / divisor, {@link FINISH_RECIPROCAL} Σ · (1 / divisor). */
const FINISH_PLAIN = 0;
const FINISH_DIVIDE = 1;
const FINISH_RECIPROCAL = 2;

/**
 * One output row of `count` bytes, integral weights: `taps` holds `tapCount`
 * pairs (u32 byte address, i32 weight, |weight| ≤ 32767). `finish`
 * {@link FINISH_PLAIN}: the result is Σ + offset (offset integral); else
 * round(Σ / divisor + offset), with `divisor` the reciprocal for {@link FINISH_RECIPROCAL}.
 */
export function convolveRowInt(taps: usize, tapCount: i32, out: usize, count: i32, finish: i32, divisor: f64, offset: f64): void {
  const d = f64x2.splat(divisor), off = f64x2.splat(offset);
  const plain = finish == FINISH_PLAIN, rec = finish == FINISH_RECIPROCAL;
  const offI = i32x4.splat(<i32>offset);
  const end = taps + <usize>(tapCount * 8);
  for (let i = 0; i < count; i += 16) {
    const o = <usize>i;
    let a0 = i32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
    for (let t = taps; t < end; t += 8) {
      const v = v128.load(<usize>load<u32>(t) + o);
      const w = i16x8.splat(<i16>load<i32>(t, 4));
      const lo = i16x8.extend_low_i8x16_u(v), hi = i16x8.extend_high_i8x16_u(v);
      a0 = i32x4.add(a0, i32x4.extmul_low_i16x8_s(lo, w));
      a1 = i32x4.add(a1, i32x4.extmul_high_i16x8_s(lo, w));
      a2 = i32x4.add(a2, i32x4.extmul_low_i16x8_s(hi, w));
      a3 = i32x4.add(a3, i32x4.extmul_high_i16x8_s(hi, w));
    }
    if (plain) {
      a0 = i32x4.add(a0, offI); a1 = i32x4.add(a1, offI); a2 = i32x4.add(a2, offI); a3 = i32x4.add(a3, offI);
      v128.store(out + o, i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(a0, a1), i16x8.narrow_i32x4_s(a2, a3)));
    } else {
      v128.store(out + o, pack16(
        finish2(f64x2.convert_low_i32x4_s(a0), d, off, rec), finish2(f64x2.convert_low_i32x4_s(high(a0)), d, off, rec),
        finish2(f64x2.convert_low_i32x4_s(a1), d, off, rec), finish2(f64x2.convert_low_i32x4_s(high(a1)), d, off, rec),
        finish2(f64x2.convert_low_i32x4_s(a2), d, off, rec), finish2(f64x2.convert_low_i32x4_s(high(a2)), d, off, rec),
        finish2(f64x2.convert_low_i32x4_s(a3), d, off, rec), finish2(f64x2.convert_low_i32x4_s(high(a3)), d, off, rec),
      ));
    }
  }
}

/**
 * One output row of `count` bytes, any weights: `taps` holds `tapCount`
 * pairs (u32 address of an f64 element, padding u32, f64 weight) over rows
 * widened by {@link widenRow}; the result is round(Σ / divisor + offset),
 * with `divisor` the reciprocal for `finish` {@link FINISH_RECIPROCAL}.
 */
export function convolveRowFloat(taps: usize, tapCount: i32, out: usize, count: i32, finish: i32, divisor: f64, offset: f64): void {
  const d = f64x2.splat(divisor), off = f64x2.splat(offset);
  const rec = finish == FINISH_RECIPROCAL;
  const end = taps + <usize>(tapCount * 16);
  for (let i = 0; i < count; i += 16) {
    const o = <usize>i << 3;
    let s0 = f64x2.splat(0), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
    for (let t = taps; t < end; t += 16) {
      const p = <usize>load<u32>(t) + o;
      const w = f64x2.splat(load<f64>(t, 8));
      s0 = f64x2.add(s0, f64x2.mul(w, v128.load(p)));
      s1 = f64x2.add(s1, f64x2.mul(w, v128.load(p, 16)));
      s2 = f64x2.add(s2, f64x2.mul(w, v128.load(p, 32)));
      s3 = f64x2.add(s3, f64x2.mul(w, v128.load(p, 48)));
      s4 = f64x2.add(s4, f64x2.mul(w, v128.load(p, 64)));
      s5 = f64x2.add(s5, f64x2.mul(w, v128.load(p, 80)));
      s6 = f64x2.add(s6, f64x2.mul(w, v128.load(p, 96)));
      s7 = f64x2.add(s7, f64x2.mul(w, v128.load(p, 112)));
    }
    v128.store(out + <usize>i, pack16(
      finish2(s0, d, off, rec), finish2(s1, d, off, rec), finish2(s2, d, off, rec), finish2(s3, d, off, rec),
      finish2(s4, d, off, rec), finish2(s5, d, off, rec), finish2(s6, d, off, rec), finish2(s7, d, off, rec),
    ));
  }
}

/** Widens `count` bytes at `src` to f64 at `dst`, 16 at a time (whole blocks: up to 15 more are written). */
export function widenRow(src: usize, dst: usize, count: i32): void {
  for (let i = 0; i < count; i += 16) {
    const v = v128.load(src + <usize>i);
    const p = dst + (<usize>i << 3);
    const lo = i16x8.extend_low_i8x16_u(v), hi = i16x8.extend_high_i8x16_u(v);
    const q0 = i32x4.extend_low_i16x8_u(lo), q1 = i32x4.extend_high_i16x8_u(lo);
    const q2 = i32x4.extend_low_i16x8_u(hi), q3 = i32x4.extend_high_i16x8_u(hi);
    v128.store(p, f64x2.convert_low_i32x4_s(q0));
    v128.store(p, f64x2.convert_low_i32x4_s(high(q0)), 16);
    v128.store(p, f64x2.convert_low_i32x4_s(q1), 32);
    v128.store(p, f64x2.convert_low_i32x4_s(high(q1)), 48);
    v128.store(p, f64x2.convert_low_i32x4_s(q2), 64);
    v128.store(p, f64x2.convert_low_i32x4_s(high(q2)), 80);
    v128.store(p, f64x2.convert_low_i32x4_s(q3), 96);
    v128.store(p, f64x2.convert_low_i32x4_s(high(q3)), 112);
  }
}
