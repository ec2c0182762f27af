/**
 * The file piscina loads in every worker, in CommonJS on purpose.
 *
 * piscina `require()`s its task file and falls back to `import()`. On Node
 * ≥ 20.19 a `require()` of an ES module goes through require(esm), whose
 * synchronous linking is not safe against a second load of the same graph
 * (`ERR_INTERNAL_ASSERTION: Unexpected status of a module that is imported
 * again after being required`) nor against the worker being terminated while
 * it runs (`FATAL ERROR: v8::Module::IsGraphAsync`). This entry is plain
 * CommonJS, so piscina's `require()` never touches the ES module loader; it
 * starts the one asynchronous `import()` of the real worker (tile-worker.js)
 * and shares that promise with every task, whatever its name. Terminating a
 * thread during an asynchronous import is safe; during require(esm)'s
 * synchronous linking it is not.
 */
import type * as TileWorker from './tile-worker.js';

const loaded: Promise<typeof TileWorker> = import('./tile-worker.js');
loaded.catch(() => {}); // reported by the first task that awaits it

/** Runs one tile (piscina's default task). */
export default async function processTile(task: TileWorker.TileTaskMessage): Promise<unknown> {
  return (await loaded).default(task);
}

/** Deflates one PNG band (piscina task name `deflate`). */
export async function deflate(task: TileWorker.DeflateTaskMessage): Promise<unknown> {
  return (await loaded).deflate(task);
}
