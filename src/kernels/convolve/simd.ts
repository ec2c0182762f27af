/**
 * Square convolution on WebAssembly SIMD (simd/convolve.ts): a ring of n
 * source rows, each padded by r clamped pixels on both sides (widened to f64
 * when a weight is not an integer), and one call per output row over the
 * matrix's non-zero taps. Same bytes as the JavaScript kernel (js.ts).
 */
import type { TileView } from '../../model/op.js';
import { arena, simdKernels } from '../simd.js';
import { channelsOf, streamRows } from '../../model/view.js';

/** Largest |weight| the 16-bit integer path takes; larger integral weights go through the f64 path. */
const INT_WEIGHT_MAX = 32767;

/** The kernels' last step (simd/convolve.ts): Σ + offset, Σ / divisor, or Σ · (1 / divisor) for a power of two. */
const enum Finish { Plain = 0, Divide = 1, Reciprocal = 2 }

/** True when x / d equals x · (1 / d) for every double x: |d| a power of two whose reciprocal is a normal double. */
function exactReciprocal(d: number): boolean {
  const k = Math.log2(Math.abs(d));
  return Number.isInteger(k) && Math.abs(k) < 1000;
}

/**
 * Writes `round(Σ matrix·in / divisor + offset)` (Σ + offset when the matrix
 * and offset are integral and divisor is 1), clamped to [0, 255], for every
 * byte of every `dst` pixel (RGBA or RGB views). `matrix` is n×n row-major, n odd.
 */
export function simdConvolve(src: TileView, dst: TileView, matrix: readonly number[], divisor: number, offset: number): void {
  const m = simdKernels();
  const c = channelsOf(src);
  const n = Math.round(Math.sqrt(matrix.length));
  const r = (n - 1) >> 1;
  const padW = dst.width + 2 * r;
  const count = dst.width * c;
  const integral = matrix.every((v) => Number.isInteger(v) && Math.abs(v) <= INT_WEIGHT_MAX);
  const finish = integral && divisor === 1 && Number.isInteger(offset) ? Finish.Plain : exactReciprocal(divisor) ? Finish.Reciprocal : Finish.Divide;
  const d = finish === Finish.Reciprocal ? 1 / divisor : divisor;
  const taps = matrix.flatMap((v, k) => (v === 0 ? [] : [k]));
  // Integral: rows of bytes, taps (u32 address, i32 weight). Else: rows of f64, taps (u32 address, pad, f64 weight).
  const byteSlot = (padW * c + 31) & ~15; // the kernels read whole 16-byte blocks
  const slotBytes = integral ? byteSlot : (padW * c + 16) * 8;
  const tapBytes = integral ? 8 : 16;
  const [ringAt, stageAt, tapsAt, outAt] = arena(m, [n * slotBytes, integral ? 0 : byteSlot, Math.max(1, taps.length) * tapBytes, count]);
  const mem = m.memory.buffer;
  const addresses = new Uint32Array(mem, tapsAt, (taps.length * tapBytes) / 4);
  if (integral) {
    const weights = new Int32Array(mem, tapsAt, taps.length * 2);
    taps.forEach((k, t) => (weights[2 * t + 1] = matrix[k]));
  } else {
    const weights = new Float64Array(mem, tapsAt, taps.length * 2);
    taps.forEach((k, t) => (weights[2 * t + 1] = matrix[k]));
  }
  const out8 = new Uint8Array(mem, outAt, count);
  const slot = (row: number): number => ringAt + (row % n) * slotBytes;
  const unit = integral ? c : c * 8; // bytes per pixel in a ring row
  const step = tapBytes / 4;
  streamRows(
    src, dst, r,
    (row, pad, padBytes) => {
      const to = integral ? slot(row) : stageAt;
      if (c === 4) pad(new Uint32Array(mem, to, padW));
      else padBytes(new Uint8Array(mem, to, padW * c));
      if (!integral) m.widenRow(stageAt, slot(row), padW * c);
    },
    (y, window) => {
      for (let t = 0; t < taps.length; t++) {
        const k = taps[t];
        addresses[t * step] = slot(window[(k / n) | 0]) + (k % n) * unit;
      }
      if (integral) m.convolveRowInt(tapsAt, taps.length, outAt, count, finish, d, offset);
      else m.convolveRowFloat(tapsAt, taps.length, outAt, count, finish, d, offset);
      dst.data.set(out8, y * count);
    },
  );
}
