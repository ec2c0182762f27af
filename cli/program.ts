/**
 * The `tilepipe` program (bundled into dist/bin/program.cjs and run by the command's launcher, cli/launch.cts): a thin layer over the library. It parses flags and
 * a config file, calls `Pipeline.run()`, and reports (see cli/report.ts).
 * Exit codes: 0 all done, 1 some inputs failed, 2 usage or config error,
 * 130 interrupted (143 on SIGTERM).
 */
import '../src/io/malloc-at-load.js';
import { Command, CommanderError } from './commander.js';
import { ValidationError, createPipeline, type Pipeline } from '../src/index.js';
import { addSchemaFlags, collect, givenFlags, toRunSettings } from './flags.js';
import { addQueueCommands } from './queue-commands.js';
import { addInfoCommand } from './info-command.js';
import { runStdio, usesStdio } from './stdio.js';
import { OpRegistry } from '../src/plan/registry.js';
import { abandonedWork } from '../src/exec/deadline.js';
import { loadPlugins } from '../src/plan/registry.js';
import { findConfig, loadConfig } from './config.js';
import { formatOpsList } from './ops-list.js';
import { Reporter } from './report.js';
import { packageVersion } from '../src/model/package-files.js';
import type { InputWatch } from './watch.js';

const pkg = { version: packageVersion() };

/** Exit code when stdout is closed early, as for a process killed by SIGPIPE (128 + 13). */
const EXIT_PIPE_CLOSED = 141;

/** How long the CLI waits at exit for abandoned work (a decode past its deadline) before it ends itself. */
const ABANDONED_GRACE_MS = 5_000;

/** The environment variables tilepipe reads, or that change how it runs, for `--help` (docs/cli.md, "Environment", says the same). */
const ENVIRONMENT_HELP = `
Environment:
  NO_COLOR             no colour
  UV_THREADPOOL_SIZE   libuv threads for reading, decoding and encoding
                       (default: max(4, cores))
  TILEPIPE_REDIS_URL   Redis of the queue commands when --redis is not given
                       (default: redis://127.0.0.1:6379)
  TILEPIPE_SIMD=0      JavaScript kernels instead of WebAssembly SIMD
  MALLOC_ARENA_MAX     on glibc Linux, tilepipe tunes the allocator itself
                       (2 arenas, blocks under 32 MB kept in them); with this
                       or any other MALLOC_* variable, or glibc.malloc.* in
                       GLIBC_TUNABLES, it leaves glibc's settings as given`;

/** The `tilepipe` program: its flags come from the option schema. */
function buildProgram(): Command {
  const program = new Command('tilepipe')
    .version(pkg.version, '-V, --version')
    .description('Run a chain of image operations over files, folders and globs, tile-parallel on every core.')
    .argument('[inputs...]', 'image files, directories (walked recursively) or quoted globs');
  return addSchemaFlags(program)
    .enablePositionalOptions()
    .addHelpText('after', ENVIRONMENT_HELP)
    .showHelpAfterError('(run tilepipe --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) });
}

async function runCommand(program: Command, inputs: string[]): Promise<number> {
  const configFile = program.opts<{ config?: string }>().config;
  const config = configFile ? await loadConfig(configFile) : (await findConfig(process.cwd()))?.settings ?? {};
  const settings = { ...config, ...givenFlags(program), ...(inputs.length ? { inputs } : {}) };
  if (usesStdio(settings)) return runStdio(settings);
  const o = toRunSettings(settings);
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
  let watching: InputWatch | undefined;
  try {
    pipeline = createPipeline(o.pipeline);
    await pipeline.registry(); // plugin load errors are usage errors, before any file
    const p = pipeline;
    const runOnce = async (): Promise<number> => {
      const summary = await p.run({
        ...o.run,
        keepFiles: false, // outcomes go out as they happen (onProgress); a 100,000-file run need not keep them all
        signal: controller.signal,
        onPlan: (plan) => reporter.plan(plan.inputs),
        onProgress: (e) => reporter.file(e),
      });
      if (signalCode === EXIT_PIPE_CLOSED) return signalCode;
      reporter.summary(summary);
      if (summary.manifestError) process.stderr.write(`tilepipe: ${summary.manifestError}\n`);
      return summary.failed > 0 || summary.manifestError ? 1 : 0;
    };
    if (o.watch) {
      // Watching starts before the first run, so that a change made while it runs is not missed.
      const { startWatching } = await import('./watch.js'); // chokidar only for --watch
      watching = await startWatching({ inputs: o.run.inputs, cwd: process.cwd(), outDir: o.run.outDir, signal: controller.signal, onError: (message) => process.stderr.write(`tilepipe: ${message}\n`) });
      if (signalCode) return signalCode; // Ctrl-C while the watcher scanned
    }
    const code = await runOnce();
    if (watching && !signalCode) {
      if (!o.quiet) process.stderr.write('tilepipe: watching the inputs; Ctrl-C to stop\n');
      await watching.follow(async () => void (await runOnce()), controller.signal);
    }
    return signalCode || code;
  } finally {
    await watching?.close();
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
  addInfoCommand(program, (c) => (code = c));
  addQueueCommands(program, (c) => (code = c));
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

/**
 * Runs the CLI and sets the exit code. If a decode or read that ignored its
 * deadline is still running in libuv's threads, Node's exit would wait for it
 * (an SVG filter bomb renders for minutes): give it a moment, then end the
 * process.
 */
export async function run(argv: string[]): Promise<void> {
  process.exitCode = await main(argv);
  if (abandonedWork() > 0) {
    setTimeout(() => {
      process.stderr.write(`tilepipe: ${abandonedWork()} timed-out decode(s) still running in libvips; ending the process\n`);
      process.kill(process.pid, 'SIGKILL');
    }, ABANDONED_GRACE_MS).unref();
  }
}
