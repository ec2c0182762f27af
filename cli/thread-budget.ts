/**
 * Imported first by the CLI entry, before anything touches libuv's thread
 * pool: size it for decode/encode alongside the tile workers (see README,
 * "Threads"), and tune glibc's allocator before any other thread allocates
 * (src/io/malloc-tuning.ts). A value the user set is kept.
 */
import '../src/io/malloc-at-load.js';
import os from 'node:os';

process.env.UV_THREADPOOL_SIZE ??= String(Math.max(2, os.availableParallelism()));
