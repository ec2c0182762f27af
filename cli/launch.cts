#!/usr/bin/env node
/**
 * The `tilepipe` command (package.json's `bin`, bundled into
 * dist/bin/tilepipe.cjs by scripts/bundle.mjs). It is CommonJS, and so is the
 * program it loads (cli/program.ts, bundled into dist/bin/program.cjs), for
 * two reasons:
 * - libuv reads `UV_THREADPOOL_SIZE` once, when its thread pool starts, and
 *   Node's ES module loader starts the pool (it reads module files on it). So
 *   the pool is sized here first (src/io/libuv-pool.cts: one thread per core,
 *   at least 4, unless the environment says).
 * - One CommonJS file starts 6–8 ms sooner (median) than the same code as ES
 *   module chunks (docs/performance.md, "Fixed costs").
 * `--version` is answered here, without loading the program. The program is
 * compiled with the code cache the build made for it (cli/program-loader.cts).
 */
import path from 'node:path';
import { sizeLibuvPool } from '../src/io/libuv-pool.cjs';
import { loadProgram } from './program-loader.cjs';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${(require(path.join(__dirname, '..', '..', 'package.json')) as { version: string }).version}\n`);
} else {
  sizeLibuvPool();
  const fail = (err: unknown): void => {
    process.stderr.write(`tilepipe: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  };
  try {
    // Loading can throw too (sharp's native module missing, say): the same one message.
    const program = loadProgram(path.join(__dirname, 'program.cjs')).exports as typeof import('./program.js');
    program.run(process.argv).catch(fail);
  } catch (err) {
    fail(err);
  }
}
