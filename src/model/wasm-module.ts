/**
 * Loading a WebAssembly module file shipped beside the code (the SIMD
 * kernels, the PNG deflate), typed without the DOM lib, which declares the
 * WebAssembly API but is not in this project's libs.
 */
import { readFileSync } from 'node:fs';

/** A module's linear memory, as its exports give it. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** The part of the WebAssembly API used here. */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
}

/** Compiles and instantiates the module in `file` (no imports) on this thread; returns its exports, typed as the caller declares them. */
export function instantiateWasm<T>(file: string): T {
  const { WebAssembly } = globalThis as unknown as { WebAssembly: WasmApi };
  return new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), {}).exports as T;
}
