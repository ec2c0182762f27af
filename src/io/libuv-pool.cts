/**
 * The size tilepipe gives libuv's thread pool, on which sharp decodes and
 * encodes (one image per thread, as tilepipe runs libvips) and Node reads
 * files. libuv reads `UV_THREADPOOL_SIZE` once, when the pool starts, and
 * Node's ES module loader starts it before an ES module runs: so only
 * CommonJS code that runs first can set it (the command's launcher,
 * cli/launch.cts, and the `tilepipe/preload` entry, io/preload.cts). CommonJS
 * itself, so that both can load it synchronously.
 */
import os from 'node:os';

/**
 * Sets `UV_THREADPOOL_SIZE` to one thread per core, and never fewer than
 * libuv's own 4 (file reads and header probes then need not queue behind
 * long decodes), unless the environment sets it (an empty value counts as
 * unset: libuv would start 1 thread).
 */
export function sizeLibuvPool(): void {
  if (!process.env.UV_THREADPOOL_SIZE) process.env.UV_THREADPOOL_SIZE = String(Math.max(4, os.availableParallelism()));
}
