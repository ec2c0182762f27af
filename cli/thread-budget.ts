/**
 * Imported first by the CLI entry, before anything touches libuv's thread
 * pool: size it for decode/encode alongside the tile workers (see README,
 * "Threads"). A value the user set is kept.
 */
import os from 'node:os';

process.env.UV_THREADPOOL_SIZE ??= String(Math.max(2, os.availableParallelism()));
