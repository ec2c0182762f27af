/**
 * The worker pool: one piscina thread per core by default. Every tile buffer
 * is transferred to the worker and back (never structured-cloned).
 *
 * No thread starts until the first task, so a run with nothing to process
 * starts none. The threads load tile-worker-entry.cjs, a CommonJS
 * file that imports the ES-module worker once (see there for why): piscina's
 * `require()` of an ES module raced with its `import()` and with `close()`,
 * and crashed the process on Node ≥ 20.19.
 */
import os from 'node:os';
import { createRequire } from 'node:module';
import type { Piscina } from 'piscina';
import { packageFile } from '../../model/package-files.js';
import type { TileResult, TileTask } from './executor.js';
import type { DeflateResult, DeflateTask } from '../../io/png/deflate.js';

/** Options of the tile pool. */
export interface TilePoolOptions {
  /** Worker threads (default: `os.availableParallelism()`). */
  readonly workers?: number;
  /** Milliseconds an idle worker is kept; long, so workers survive the gaps between images. */
  readonly idleTimeout?: number;
  /**
   * Most memory one worker may hold, in MB: its V8 heap is capped there, and a
   * worker that still holds more than this (heap plus buffers) after a task
   * fails that task with "worker out of memory" and is replaced.
   */
  readonly workerMemoryMb?: number;
}

/** Counters for the time tiles spend in the pool. */
export interface PoolTimes {
  /** Tiles completed. */
  tiles: number;
  /** Sum of in-worker compute time (ms). */
  computeMs: number;
  /** Sum of round-trip time (ms) from dispatch to result, including queueing and transfer. */
  roundTripMs: number;
}

/** Young-generation cap per worker, in MB. */
const YOUNG_GENERATION_MB = 4;

/** Default of {@link TilePoolOptions.workerMemoryMb}. */
export const DEFAULT_WORKER_MEMORY_MB = 2048;

/** Must match OUT_OF_MEMORY_EXIT in tile-worker.ts. */
const OUT_OF_MEMORY_EXIT = 75;

const WORKER_FILE = packageFile('workerEntry');

/** A piscina pool that runs tile tasks. */
export class TilePool {
  readonly workers: number;
  readonly times: PoolTimes = { tiles: 0, computeMs: 0, roundTripMs: 0 };
  readonly #options: TilePoolOptions;
  #piscina: Piscina | undefined;
  #closed = false;

  constructor(options: TilePoolOptions = {}) {
    this.workers = options.workers ?? os.availableParallelism();
    this.#options = options;
  }

  /**
   * Starts the worker threads now, if not yet started, so that their start-up
   * (thread, module load, WebAssembly compile) overlaps the first image's read
   * and decode instead of following it. Called once there is tile work.
   */
  warm(): void {
    if (!this.#closed && !this.#piscina) this.#pool();
  }

  /** Whether any worker thread has been started. */
  get started(): boolean {
    return this.#piscina !== undefined;
  }

  #pool(): Piscina {
    if (this.#closed) throw new Error('the pipeline is closed');
    if (this.#piscina) return this.#piscina;
    const memoryMb = this.#options.workerMemoryMb ?? DEFAULT_WORKER_MEMORY_MB;
    // piscina itself is loaded with the first pool: runs with no tile work never need it.
    const { Piscina: PiscinaPool } = createRequire(import.meta.url)('piscina') as typeof import('piscina');
    const piscina = new PiscinaPool({
      filename: WORKER_FILE,
      minThreads: this.workers,
      maxThreads: this.workers,
      idleTimeout: this.#options.idleTimeout ?? 60_000,
      concurrentTasksPerWorker: 1,
      workerData: { memoryMb },
      // Pixels live in ArrayBuffers outside the JS heap; a small young generation keeps each
      // worker's heap from growing lazily to V8's 32 MB default (seen as RSS creep in the soak test).
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB, maxOldGenerationSizeMb: memoryMb },
    });
    // A worker that fails with no task running (e.g. out of memory between tasks) is replaced
    // by piscina; without a listener, its 'error' event would end the process.
    piscina.on('error', () => {});
    this.#piscina = piscina;
    return piscina;
  }

  /** Runs one tile. `task.buffer` and `task.spare` are transferred: they are detached (byteLength 0) once this returns. */
  async run(task: TileTask, signal?: AbortSignal): Promise<TileResult> {
    const start = performance.now();
    const transferList = task.spare ? [task.buffer, task.spare] : [task.buffer];
    const result = (await this.#pool().run(task, { transferList, signal }).catch((err: unknown) => {
      throw this.#explain(err);
    })) as TileResult;
    this.times.tiles++;
    this.times.computeMs += result.computeMs;
    this.times.roundTripMs += performance.now() - start;
    return result;
  }

  /** Deflates one band of a parallel PNG encode; `task.pixels` is transferred. */
  async deflate(task: DeflateTask, signal?: AbortSignal): Promise<DeflateResult> {
    return (await this.#pool().run(task, { name: 'deflate', transferList: [task.pixels], signal }).catch((err: unknown) => {
      throw this.#explain(err);
    })) as DeflateResult;
  }

  /** Names the cause of a worker's death where piscina only gives its exit code. */
  #explain(err: unknown): unknown {
    if (err instanceof Error && err.message.endsWith(`exited with code: ${OUT_OF_MEMORY_EXIT}`)) {
      const limit = this.#options.workerMemoryMb ?? DEFAULT_WORKER_MEMORY_MB;
      return new Error(`worker out of memory: it held more than ${limit} MB after a tile (a kernel that keeps what it allocates?)`);
    }
    if (err instanceof Error && /ERR_WORKER_OUT_OF_MEMORY|reaching memory limit/.test(`${(err as { code?: string }).code} ${err.message}`)) {
      return new Error(`worker out of memory: ${err.message}`);
    }
    return err;
  }

  /** Ends every worker. The pool cannot be used afterwards. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#piscina?.destroy();
  }
}
