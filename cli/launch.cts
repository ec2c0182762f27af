#!/usr/bin/env node
/**
 * The `tilepipe` command (package.json's `bin`, bundled into
 * dist/bin/tilepipe.cjs by scripts/bundle.mjs). It is CommonJS because it
 * must run before Node's ES module loader: that loader reads module files on
 * libuv's thread pool, which starts the pool, and libuv reads
 * `UV_THREADPOOL_SIZE` once, when the pool starts. An ES module entry that
 * sets it is too late (its pool already has libuv's default 4 threads). So the
 * pool is sized here (src/io/libuv-pool.cts: one thread per core, at least 4,
 * unless the environment says), and then the ES module program
 * (dist/bin/tilepipe.js, bundled from cli/main.ts) is imported. `--version`
 * is answered here, without loading it.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sizeLibuvPool } from '../src/io/libuv-pool.cjs';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${(require(path.join(__dirname, '..', '..', 'package.json')) as { version: string }).version}\n`);
} else {
  sizeLibuvPool();
  import(pathToFileURL(path.join(__dirname, 'tilepipe.js')).href).catch((err: unknown) => {
    process.stderr.write(`tilepipe: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
