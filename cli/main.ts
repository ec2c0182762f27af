#!/usr/bin/env node
/**
 * The `tilepipe` command's entry. `--version` answers without loading the
 * library; everything else loads the program (cli/program.ts), with libuv's
 * thread pool sized first (cli/thread-budget.ts).
 */
import { packageVersion } from '../src/model/package-files.js';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${packageVersion()}\n`);
} else {
  await import('./thread-budget.js');
  const { run } = await import('./program.js');
  await run(process.argv);
}
