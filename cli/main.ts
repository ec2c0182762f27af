#!/usr/bin/env node
/**
 * The `tilepipe` command: a thin layer over the library. It parses flags and
 * a config file, calls `Pipeline.run()`, and reports (see cli/report.ts).
 * Exit codes: 0 all done, 1 some inputs failed, 2 usage or config error,
 * 130 interrupted (143 on SIGTERM).
 */
import './thread-budget.js';
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { ValidationError, createPipeline, parseFormat, type Pipeline, type PipelineOptions, type RunOptions } from '../src/index.js';
import { OpRegistry } from '../src/plan/registry.js';
import { abandonedWork } from '../src/exec/deadline.js';
import { loadPlugins } from '../src/plan/registry.js';
import { loadConfig, type CliSettings } from './config.js';
import { formatOpsList } from './ops-list.js';
import { Reporter } from './report.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Exit code when stdout is closed early, as for a process killed by SIGPIPE (128 + 13). */
const EXIT_PIPE_CLOSED = 141;

/** How long the CLI waits at exit for abandoned work (a decode past its deadline) before it ends itself. */
const ABANDONED_GRACE_MS = 5_000;

function int(name: string, raw: unknown, min: number, max: number): number {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new ValidationError(`--${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(raw)}`);
  return n;
}

function list(raw: string | number | readonly (string | number)[]): string[] {
  return (Array.isArray(raw) ? raw : String(raw).split(',')).map((s) => String(s).trim()).filter((s) => s !== '');
}

function buildProgram(): Command {
  return new Command('tilepipe')
    .version(pkg.version, '-V, --version')
    .description('Run a chain of image operations over files, folders and globs, tile-parallel on every core.')
    .argument('[inputs...]', 'image files, directories (walked recursively) or quoted globs')
    .option('-o, --out-dir <dir>', 'output folder; mirrors the tree below each input')
    .option('--op <spec>', 'operation, repeatable, applied in order: name or name:key=value[,key=value]', collect)
    .option('--format <list>', 'output format(s): jpeg, png, webp, avif, tiff, gif, comma-separated (default: the input\'s, else png)')
    .option('--width <list>', 'width variants, comma-separated (every width x format is written)')
    .option('--quality <n>', 'encoder quality 1-100 (jpeg, webp, avif, tiff)')
    .option('--name <template>', 'output name template: {dir} {name} {ext} {width} {format} {hash}')
    .option('--keep-metadata', 'keep EXIF and ICC metadata (stripped by default)')
    .option('-j, --workers <n>', 'worker threads (default: available cores)')
    .option('--tile-size <n>', 'tile edge in pixels (default, measured: 256 or 8 x the halo radius; 1024 for point-only stages)')
    .option('--max-in-flight <n>', 'images between read and write at once (default: workers + 1)')
    .option('--limit-input-pixels <n>', 'refuse larger inputs; 0 for no limit (default: as sharp, 268402689)')
    .option('--plugin <path>', 'load operations from a module, repeatable', collect)
    .option('--cache-dir <dir>', 'also keep outputs in a content-addressed cache shared across out-dirs and runs')
    .option('--timeout <ms>', 'fail an image that takes longer from read to write (reading, decoding, processing, encoding)')
    .option('--memory <MB>', 'memory budget for images in flight; an image larger than it runs alone (default: half the free memory)')
    .option('--in-place', 'allow outputs to replace their inputs (atomically, via a temp file)')
    .option('-f, --force', 'redo outputs that are up to date')
    .option('-n, --dry-run', 'print what would be done; write nothing')
    .option('-c, --config <file>', 'settings file (.json or .mjs); flags override it')
    .option('--follow-symlinks', 'follow symbolic links in folders and globs')
    .option('--json', 'NDJSON events on stdout: one per input, then a summary')
    .option('--quiet', 'no progress and no summary (errors still go to stderr)')
    .addOption(new Option('--no-color', 'no colour (NO_COLOR is honoured too)'))
    .enablePositionalOptions()
    .showHelpAfterError('(run tilepipe --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) });
}

/** The settings given on the command line (only flags the user set). */
function cliSettings(program: Command, inputs: string[]): CliSettings {
  const opts = program.opts<Record<string, unknown>>();
  const given = (key: string): boolean => program.getOptionValueSource(key) === 'cli';
  const s: Record<string, unknown> = {};
  if (inputs.length) s.inputs = inputs;
  const map: Record<string, string> = { op: 'ops', plugin: 'plugins' };
  for (const key of Object.keys(opts)) {
    if (key === 'config') continue;
    if (given(key)) s[map[key] ?? key] = opts[key];
  }
  return s as CliSettings;
}

function toOptions(s: CliSettings): { pipeline: PipelineOptions; run: RunOptions; json: boolean; quiet: boolean; color: boolean } {
  if (!s.inputs?.length) throw new ValidationError('no inputs given (files, directories or globs)');
  if (!s.outDir) throw new ValidationError('-o, --out-dir is required');
  const limit = s.limitInputPixels === undefined ? undefined : s.limitInputPixels === false ? false : int('limit-input-pixels', s.limitInputPixels, 0, Number.MAX_SAFE_INTEGER);
  return {
    pipeline: {
      ...(s.workers !== undefined ? { workers: int('workers', s.workers, 1, 1024) } : {}),
      ...(s.tileSize !== undefined ? { tileSize: int('tile-size', s.tileSize, 8, 1 << 20) } : {}),
      ...(s.maxInFlight !== undefined ? { maxInFlight: int('max-in-flight', s.maxInFlight, 1, 4096) } : {}),
      ...(limit !== undefined ? { limitInputPixels: limit === 0 ? false : limit } : {}),
      ...(s.timeout !== undefined ? { timeout: int('timeout', s.timeout, 1, 2 ** 31 - 1) } : {}),
      ...(s.memory !== undefined ? { maxMemoryMb: int('memory', s.memory, 1, 2 ** 31 - 1) } : {}),
      plugins: s.plugins ?? [],
      cacheDir: s.cacheDir ?? false,
    },
    run: {
      inputs: s.inputs,
      outDir: s.outDir,
      ops: s.ops ?? [],
      ...(s.format !== undefined ? { formats: list(s.format).map(parseFormat) } : {}),
      ...(s.width !== undefined ? { widths: list(s.width).map((w) => int('width', w, 1, 100000)) } : {}),
      ...(s.quality !== undefined ? { quality: int('quality', s.quality, 1, 100) } : {}),
      ...(s.name !== undefined ? { name: s.name } : {}),
      force: Boolean(s.force),
      dryRun: Boolean(s.dryRun),
      followSymlinks: Boolean(s.followSymlinks),
      keepMetadata: Boolean(s.keepMetadata),
      inPlace: Boolean(s.inPlace),
    },
    json: Boolean(s.json),
    quiet: Boolean(s.quiet),
    color: s.color !== false,
  };
}

async function runCommand(program: Command, inputs: string[]): Promise<number> {
  const configFile = program.opts<{ config?: string }>().config;
  const settings = { ...(configFile ? await loadConfig(configFile) : {}), ...cliSettings(program, inputs) };
  const o = toOptions(settings);
  const reporter = new Reporter({
    json: o.json, quiet: o.quiet, dryRun: Boolean(o.run.dryRun),
    color: Reporter.wantsColor(o.color), progress: !o.json && Reporter.wantsProgress(o.quiet),
  });
  const controller = new AbortController();
  let signalCode = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (signalCode) {
      // A second signal: end now, whatever is blocked. process.exit() would wait for libuv's
      // threads (a read that never returns), so the signal is raised again with its default action.
      process.removeAllListeners(sig);
      process.kill(process.pid, sig);
      return;
    }
    signalCode = sig === 'SIGTERM' ? 143 : 130;
    process.stderr.write(`\ntilepipe: ${sig}: finishing in-flight files, removing partial ones...\n`);
    controller.abort(new Error(`interrupted by ${sig}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // stdout closed early (`| head`): stop as on SIGINT, quietly, and exit as a process killed by SIGPIPE would.
  const onStdoutError = (err: NodeJS.ErrnoException): void => {
    if (err.code !== 'EPIPE' || signalCode) return;
    signalCode = EXIT_PIPE_CLOSED;
    reporter.stdoutClosed();
    controller.abort(new Error('stdout was closed'));
  };
  process.stdout.on('error', onStdoutError);
  let pipeline: Pipeline | undefined;
  try {
    pipeline = createPipeline(o.pipeline);
    await pipeline.registry(); // plugin load errors are usage errors, before any file
    const summary = await pipeline.run({
      ...o.run,
      keepFiles: false, // outcomes go out as they happen (onProgress); a 100,000-file run need not keep them all
      signal: controller.signal,
      onPlan: (p) => reporter.plan(p.inputs),
      onProgress: (e) => reporter.file(e),
    });
    if (signalCode === EXIT_PIPE_CLOSED) return signalCode;
    reporter.summary(summary);
    if (summary.manifestError) process.stderr.write(`tilepipe: ${summary.manifestError}\n`);
    if (signalCode) return signalCode;
    return summary.failed > 0 || summary.manifestError ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await pipeline?.close();
  }
}

/** Runs the CLI with `argv` (as process.argv) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  // `tilepipe ops | head`: a closed stdout ends the output quietly (runs also stop their work, see runCommand).
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exitCode = EXIT_PIPE_CLOSED;
  });
  const program = buildProgram();
  let code = 0;
  program.action(async (inputs: string[]) => {
    code = await runCommand(program, inputs);
  });
  program
    .command('ops')
    .description('list every operation, its parameters, ranges and defaults')
    .option('--plugin <path>', 'include operations from a plugin module, repeatable', collect)
    .option('--json', 'as JSON')
    .action(async (opts: { plugin?: string[]; json?: boolean }) => {
      const registry = new OpRegistry();
      for (const op of await loadPlugins(opts.plugin ?? [])) registry.add(op);
      process.stdout.write(formatOpsList(registry, Boolean(opts.json)));
    });
  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof ValidationError) {
      process.stderr.write(`tilepipe: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`tilepipe: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    return 2;
  }
}

process.exitCode = await main(process.argv);
if (abandonedWork() > 0) {
  // A decode or read that ignored its deadline is still running in libuv's threads, and Node's exit
  // would wait for it (an SVG filter bomb renders for minutes). Give it a moment, then end the process.
  setTimeout(() => {
    process.stderr.write(`tilepipe: ${abandonedWork()} timed-out decode(s) still running in libvips; ending the process\n`);
    process.kill(process.pid, 'SIGKILL');
  }, ABANDONED_GRACE_MS).unref();
}
