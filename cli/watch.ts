/**
 * `--watch`: watch the inputs (chokidar) from before the first run, and run
 * again when files are added, changed or removed (also during the first run). Each rerun goes through the same
 * manifest and cache, so only what changed is processed; removed inputs lose
 * their outputs only with `--prune`. A failing file or rerun is reported and
 * the watch goes on; it ends when `signal` aborts (Ctrl-C).
 */
import path from 'node:path';
import { watch } from 'chokidar';
import fg from 'fast-glob';
import { globBase } from '../src/runs/expand-inputs.js';

/** How long the watcher waits after the last change before it runs again (ms). */
const SETTLE_MS = 300;

/** The folders or files to watch for `inputs`: each input itself, or a glob's static base. */
export function watchRoots(inputs: readonly string[], cwd: string): string[] {
  return inputs.map((input) => {
    return path.resolve(cwd, fg.isDynamicPattern(input) ? globBase(input) : input);
  });
}

/** A watch on the inputs, started before the first run so that no change is missed. */
export interface InputWatch {
  /**
   * Calls `rerun` once the inputs have settled after each burst of changes
   * (and at once for changes made since the watch started), until `signal`
   * aborts; then stops watching.
   */
  follow(rerun: () => Promise<void>, signal: AbortSignal): Promise<void>;
  /** Stops watching (without following). */
  close(): Promise<void>;
}

/** Starts watching the inputs (resolves once the watcher is ready); the out-dir is never watched. */
export async function startWatching(options: {
  readonly inputs: readonly string[];
  readonly cwd: string;
  readonly outDir: string;
  readonly onError: (message: string) => void;
  /** Stops waiting for the watcher's first scan (Ctrl-C during it). */
  readonly signal: AbortSignal;
}): Promise<InputWatch> {
  const outDir = path.resolve(options.cwd, options.outDir);
  const watcher = watch(watchRoots(options.inputs, options.cwd), {
    ignoreInitial: true,
    ignored: (p: string) => p === outDir || p.startsWith(`${outDir}${path.sep}`) || /\.tilepipe-|\.tmp$/.test(path.basename(p)) ||
      /(^|[/\\])(node_modules|\.git)$/.test(p),
    awaitWriteFinish: { stabilityThreshold: 150, pollInterval: 50 },
  });
  watcher.on('error', (err: unknown) => options.onError(`watching: ${err instanceof Error ? err.message : String(err)}`));
  await new Promise<void>((resolve) => {
    watcher.once('ready', () => resolve());
    if (options.signal.aborted) resolve();
    else options.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  let changedEarly = false;
  let changed = (): void => void (changedEarly = true); // until follow(): a change during the first run
  watcher.on('add', () => changed()).on('change', () => changed()).on('unlink', () => changed());

  return {
    close: () => watcher.close(),
    async follow(rerun, signal) {
      let timer: NodeJS.Timeout | undefined;
      let running: Promise<void> | undefined;
      let again = false;
      const runNow = async (): Promise<void> => {
        if (running) {
          again = true;
          return;
        }
        running = rerun().catch((err: unknown) => options.onError(err instanceof Error ? err.message : String(err)));
        await running;
        running = undefined;
        if (again && !signal.aborted) {
          again = false;
          await runNow();
        }
      };
      changed = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => void runNow(), SETTLE_MS);
      };
      if (changedEarly) changed();
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
      clearTimeout(timer);
      await watcher.close();
      await running;
    },
  };
}
