/**
 * The Gaussian blur on WebAssembly SIMD: the same two passes and integer
 * arithmetic as `gaussianBlur`'s JavaScript row kernels (every output byte is
 * the same; test/gaussian-simd.test.ts compares them), with the row kernels
 * in simd/gaussian.ts compiled to WebAssembly.
 *
 * The horizontal pass streams through a ring of 2r + 1 rows, so the module's
 * memory is a few rows wide whatever the tile or image height. Each worker
 * thread instantiates its own module.
 */
import { readFileSync } from 'node:fs';
import type { TileView } from '../op.js';
import type { GaussianTaps } from './gaussian.js';
import { clampedColumns, pixels32 } from './edges.js';

/** The part of the WebAssembly API used here (the DOM lib, which declares it, is not in this project's libs). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
}
const { WebAssembly } = globalThis as unknown as { WebAssembly: WasmApi };

interface SimdExports {
  readonly memory: WasmMemory;
  horizontal(pad: number, out: number, n: number, taps: number, r: number): void;
  vertical(rows: number, out: number, n: number, taps: number, r: number): void;
  heapBase(): number;
}

/** Why the SIMD kernels are not in use, or undefined when they are. */
export let simdUnavailable: string | undefined;

function instantiate(): SimdExports | undefined {
  if (process.env.TILEPIPE_SIMD === '0') {
    simdUnavailable = 'disabled by TILEPIPE_SIMD=0';
    return undefined;
  }
  try {
    const bytes = readFileSync(new URL('./simd/gaussian.wasm', import.meta.url));
    return new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as SimdExports;
  } catch (err) {
    simdUnavailable = err instanceof Error ? err.message : String(err);
    return undefined;
  }
}

const wasm = instantiate();

const roundUp16 = (n: number): number => (n + 15) & ~15;
const clamp = (v: number, hi: number): number => (v < 0 ? 0 : v > hi ? hi : v);

/** True when `simdGaussianBlur` can run here. */
export function simdAvailable(): boolean {
  return wasm !== undefined;
}

/** Writes the Gaussian-blurred RGBA of `src` into every pixel of `dst`, with the WebAssembly SIMD row kernels. */
export function simdGaussianBlur(src: TileView, dst: TileView, taps: GaussianTaps): void {
  const m = wasm!;
  const r = taps.radius;
  const H = src.imageHeight;
  const dw = dst.width;
  const dh = dst.height;
  const n = dw * 4; // values per row
  const ring = 2 * r + 1;
  const slotBytes = roundUp16(n) * 2; // u16 values; the kernels write whole 16-value blocks

  // Layout, every block 16-byte aligned: taps | row pointers | padded row | ring of u16 rows | output row.
  const tapsAt = (m.heapBase() + 15) & ~15;
  const rowsAt = tapsAt + roundUp16((r + 1) * 4);
  const padAt = rowsAt + roundUp16(ring * 4);
  const ringAt = padAt + roundUp16((dw + 2 * r) * 4 + 32);
  const outAt = ringAt + ring * slotBytes;
  const end = outAt + roundUp16(n) + 16;
  const have = m.memory.buffer.byteLength;
  if (end > have) m.memory.grow(Math.ceil((end - have) / 65536));

  const mem = m.memory.buffer;
  new Int32Array(mem, tapsAt, r + 1).set(taps.weights);
  const rowPtrs = new Uint32Array(mem, rowsAt, ring);
  const pad32 = new Uint32Array(mem, padAt, dw + 2 * r);
  const out8 = new Uint8Array(mem, outAt, n);

  const y0 = Math.max(0, dst.y - r);
  const y1 = Math.min(H - 1, dst.y + dh - 1 + r);
  const src32 = pixels32(src);
  const colMap = clampedColumns(src, dst, r);
  const padW = dw + 2 * r;
  const slot = (row: number): number => ringAt + ((row - y0) % ring) * slotBytes;
  let next = y0; // first source row not yet through the horizontal pass

  for (let y = 0; y < dh; y++) {
    const gy = dst.y + y;
    const need = Math.min(y1, gy + r);
    for (; next <= need; next++) {
      const srow = (next - src.y) * src.width;
      for (let i = 0; i < padW; i++) pad32[i] = src32[srow + colMap[i]];
      m.horizontal(padAt, slot(next), n, tapsAt, r);
    }
    rowPtrs[0] = slot(gy);
    for (let t = 1; t <= r; t++) {
      rowPtrs[2 * t - 1] = slot(clamp(gy - t, H - 1));
      rowPtrs[2 * t] = slot(clamp(gy + t, H - 1));
    }
    m.vertical(rowsAt, outAt, n, tapsAt, r);
    dst.data.set(out8, y * n);
  }
}
