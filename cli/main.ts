#!/usr/bin/env node
/**
 * The `tilepipe` program's ES module entry, bundled into dist/bin/tilepipe.js
 * and imported by the command's CommonJS launcher (cli/launch.cts, which sizes
 * libuv's thread pool first). `--version` answers without loading the
 * library; everything else loads the program (cli/program.ts), with glibc's
 * allocator tuned first.
 */
import { packageVersion } from '../src/model/package-files.js';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${packageVersion()}\n`);
} else {
  await import('../src/io/malloc-at-load.js');
  const { run } = await import('./program.js');
  await run(process.argv);
}
