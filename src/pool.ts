/**
 * The worker pool: one piscina thread per core by default. Every tile buffer
 * is transferred to the worker and back (never structured-cloned).
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { TileResult, TileTask } from './tile-executor.js';
import type { DeflateResult, DeflateTask } from './png-deflate.js';

/** Options of the tile pool. */
export interface TilePoolOptions {
  /** Worker threads (default: `os.availableParallelism()`). */
  readonly workers?: number;
  /** Milliseconds an idle worker is kept; long, so workers survive the gaps between images. */
  readonly idleTimeout?: number;
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

const WORKER_FILE = fileURLToPath(new URL('../workers/tile-worker.js', import.meta.url));

/** A piscina pool that runs tile tasks. */
export class TilePool {
  readonly workers: number;
  readonly times: PoolTimes = { tiles: 0, computeMs: 0, roundTripMs: 0 };
  readonly #piscina: Piscina;

  constructor(options: TilePoolOptions = {}) {
    this.workers = options.workers ?? os.availableParallelism();
    this.#piscina = new Piscina({
      filename: WORKER_FILE,
      minThreads: this.workers,
      maxThreads: this.workers,
      idleTimeout: options.idleTimeout ?? 60_000,
      concurrentTasksPerWorker: 1,
      // Pixels live in ArrayBuffers outside the JS heap; a small young generation keeps each
      // worker's heap from growing lazily to V8's 32 MB default (seen as RSS creep in the soak test).
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
  }

  /** Runs one tile. `task.buffer` is transferred: it is detached (byteLength 0) once this returns. */
  async run(task: TileTask, signal?: AbortSignal): Promise<TileResult> {
    const start = performance.now();
    const result = (await this.#piscina.run(task, { transferList: [task.buffer], signal })) as TileResult;
    this.times.tiles++;
    this.times.computeMs += result.computeMs;
    this.times.roundTripMs += performance.now() - start;
    return result;
  }

  /** Deflates one band of a parallel PNG encode; `task.rgba` is transferred. */
  async deflate(task: DeflateTask, signal?: AbortSignal): Promise<DeflateResult> {
    return (await this.#piscina.run(task, { name: 'deflate', transferList: [task.rgba], signal })) as DeflateResult;
  }

  /** Tasks waiting for a free worker. */
  get queued(): number {
    return this.#piscina.queueSize;
  }

  /** Ends every worker. */
  async close(): Promise<void> {
    await this.#piscina.destroy();
  }
}
