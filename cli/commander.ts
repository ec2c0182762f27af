/**
 * commander, loaded with `require()`: a CommonJS package takes about twice
 * as long to load through Node's ESM loader (here `import('commander')`
 * 24 ms, `require('commander')` 12 ms), paid by every CLI run.
 */
import { createRequire } from 'node:module';
import type * as CommanderModule from 'commander';

const commander = createRequire(import.meta.url)('commander') as typeof CommanderModule;

/** commander's classes, as `import { Command, CommanderError, Option } from 'commander'` gives them. */
export const { Command, CommanderError, Option } = commander;
/** A command (program or subcommand). */
export type Command = CommanderModule.Command;
/** An option of a command. */
export type Option = CommanderModule.Option;
