/**
 * The package's `tilepipe/preload` entry, for `node -r tilepipe/preload
 * app.js`: before the program's first module loads, sizes libuv's thread
 * pool to the cores (libuv-pool.cts) and tunes glibc's allocator
 * (malloc-at-load.ts). It is CommonJS because only code that runs before
 * Node's ES module loader can still size the pool; `--import` would be too
 * late for that.
 */
import { sizeLibuvPool } from './libuv-pool.cjs';

sizeLibuvPool();
// An ES module, loaded synchronously (require of ES modules: Node ≥ 20.19).
require('./malloc-at-load.js');
