/**
 * The WebAssembly SIMD kernel module (simd/index.ts, compiled to
 * simd/kernels.wasm by the build): loaded once per thread, with a scratch
 * arena in its memory that the kernel drivers (gaussian/simd.ts,
 * median/simd.ts, …) lay their rows out in.
 */
import { instantiateWasm, type WasmMemory } from '../model/wasm-module.js';
import { packageFile } from '../model/package-files.js';

/** The module's exports (see simd/box-blur.ts, simd/convolve.ts, simd/gaussian.ts, simd/median.ts, simd/morphology.ts, simd/sobel.ts and simd/unsharp.ts for what each computes). */
export interface SimdKernels {
  readonly memory: WasmMemory;
  gaussianBand(
    src: number, first: number, last: number, srcRowBytes: number, insideAt: number, left: number, inside: number,
    out: number, gy0: number, gy1: number, H: number, n: number, c: number, taps: number, r: number,
    pad: number, ring: number, slotBytes: number, rows: number,
  ): void;
  boxColumnInit(rows: number, n: number, col: number, count: number): void;
  boxColumnSlide(add: number, sub: number, col: number, count: number): void;
  boxRow(col: number, prefix: number, out: number, width: number, c: number, n: number, area: number): void;
  convolveRowInt(taps: number, tapCount: number, out: number, count: number, finish: number, divisor: number, offset: number): void;
  convolveRowFloat(taps: number, tapCount: number, out: number, count: number, finish: number, divisor: number, offset: number): void;
  widenRow(src: number, dst: number, count: number): void;
  medianRow(rows: number, out: number, count: number, n: number, rank: number, c: number): void;
  median3Row(rows: number, out: number, count: number, c: number): void;
  medianNetRow(rows: number, sorted: number, stride: number, out: number, count: number, c: number, n: number): void;
  rowMax(pad: number, out: number, count: number, n: number, c: number): void;
  rowMin(pad: number, out: number, count: number, n: number, c: number): void;
  columnMax(rows: number, out: number, count: number, n: number): void;
  columnMin(rows: number, out: number, count: number, n: number): void;
  sobelRow(up: number, mid: number, down: number, out: number, count: number, c: number): void;
  unsharpRow(src: number, blurred: number, out: number, n: number, detail: number): void;
  unsharpRowLinear(src: number, blurred: number, out: number, n: number, k: number): void;
  heapBase(): number;
}

/** Why the SIMD kernels are not in use, or undefined when they are (or are not loaded yet: see {@link simdAvailable}). */
export let simdUnavailable: string | undefined;

function instantiate(): SimdKernels | undefined {
  if (process.env.TILEPIPE_SIMD === '0') {
    simdUnavailable = 'disabled by TILEPIPE_SIMD=0';
    return undefined;
  }
  try {
    return instantiateWasm<SimdKernels>(packageFile('simdKernels'));
  } catch (err) {
    simdUnavailable = err instanceof Error ? err.message : String(err);
    return undefined;
  }
}

/**
 * The loaded module, or undefined when SIMD kernels cannot run here (the
 * JavaScript kernels run instead). Loaded by the first {@link simdAvailable}
 * or {@link simdKernels} call: compiling the module
 * costs ~13 ms, which a run without neighbourhood ops (or a thread that runs
 * none) does not pay.
 */
let simd: SimdKernels | undefined;
let loaded = false;

/** True when the SIMD kernels run here; loads them on first call. */
export function simdAvailable(): boolean {
  if (!loaded) {
    loaded = true;
    simd = instantiate();
  }
  return simd !== undefined;
}

/** The module, loaded if it is not yet; throws where SIMD kernels cannot run (callers check {@link simdAvailable} first). */
export function simdKernels(): SimdKernels {
  if (!simdAvailable()) throw new Error(`WebAssembly SIMD kernels unavailable: ${simdUnavailable}`);
  return simd!;
}

/** Rounds up to a multiple of 16 bytes (one v128). */
export const roundUp16 = (n: number): number => (n + 15) & ~15;

/**
 * Lays out blocks of the given byte sizes in the module's memory, each
 * 16-byte aligned and followed by 16 bytes of slack (kernels work in whole
 * v128 blocks), growing the memory if needed; returns their offsets. The
 * layout is scratch for one kernel call: the next call reuses it.
 */
export function arena(m: SimdKernels, sizes: readonly number[]): number[] {
  let at = roundUp16(m.heapBase());
  const offsets = sizes.map((size) => {
    const o = at;
    at += roundUp16(size) + 16;
    return o;
  });
  const have = m.memory.buffer.byteLength;
  if (at > have) m.memory.grow(Math.ceil((at - have) / 65536));
  return offsets;
}
