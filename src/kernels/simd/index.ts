/**
 * The WebAssembly SIMD kernels, one module (AssemblyScript, compiled by
 * `npm run build:wasm` to dist/src/kernels/simd/kernels.wasm). Each worker
 * thread instantiates it once; ../simd.ts lays out its memory.
 */
export { boxColumnInit, boxColumnSlide, boxRow } from './box-blur';
export { convolveRowInt, convolveRowFloat, widenRow } from './convolve';
export { gaussianBand } from './gaussian';
export { medianRow, median3Row, medianNetRow } from './median';
export { rowMax, rowMin, columnMax, columnMin } from './morphology';
export { sobelRow } from './sobel';
export { unsharpRow, unsharpRowLinear } from './unsharp';

/** First free byte after the module's static data: the caller lays its buffers out from here. */
export function heapBase(): usize {
  return __heap_base;
}
