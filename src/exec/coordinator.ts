/**
 * The coordinator: runs a plan over one image. For each tile stage it cuts
 * the raster into tiles with halos (each its own ArrayBuffer), dispatches
 * them to the pool with a bounded number in flight, writes the result cores
 * back into the same raster (each as soon as no uncut tile's halo still needs
 * its old pixels), and reduces global-op summaries in tile order. Memory per
 * image: one raster plus about one row of tiles. A stage of lookup tables
 * only is applied in place here, as one fused table, without the pool.
 */
import type { Raster } from '../model/raster.js';
import { copyRegion, pasteRegion } from '../model/raster.js';
import { isLutStage, type Stage, type TileStage } from '../plan/plan.js';
import { applyLut, composeLut } from '../kernels/lut.js';
import type { TilePool } from './worker/pool.js';
import type { TileStep, TileTask } from './worker/executor.js';
import { lastReaders, stageTileSize, tileGrid } from '../plan/tiling.js';
import { applyGeometry } from './geometry.js';
import { BufferPool } from './buffer-pool.js';

/** How the coordinator schedules tiles. */
export interface CoordinatorOptions {
  /** Tile edge in pixels; undefined: the default, raised to 8 × a stage's halo radius. */
  readonly tileSize?: number;
  /** Plugin module paths every worker loads. */
  readonly plugins: readonly string[];
  /** Tiles of one image in flight at once (default: 2 × workers). */
  readonly maxTilesInFlight?: number;
}

/** Main-thread time spent by the coordinator, in ms. */
export interface CoordinatorTimes {
  /** Copying tiles (with halos) out of the raster. */
  cutMs: number;
  /** Copying result cores into the output raster. */
  reassembleMs: number;
  /** Geometry stages in sharp. */
  geometryMs: number;
  /** Lookup-table stages applied in place on this thread. */
  lutMs: number;
}

/** Runs plans over images using a shared pool. */
export class Coordinator {
  readonly times: CoordinatorTimes = { cutMs: 0, reassembleMs: 0, geometryMs: 0, lutMs: 0 };
  readonly #pool: TilePool;
  readonly #options: CoordinatorOptions;
  /** Spent tile buffers, cut into again or handed to workers for results. */
  readonly #buffers: BufferPool;

  constructor(pool: TilePool, options: CoordinatorOptions) {
    this.#pool = pool;
    this.#options = options;
    // Enough for every tile in flight of every image in flight, each with its input and a spare.
    this.#buffers = new BufferPool(8 * pool.workers + 8, 64 << 20);
  }

  /** Runs every stage in order. Takes ownership of `raster` (its buffer may be transferred away). */
  async run(raster: Raster, stages: readonly Stage[], signal?: AbortSignal): Promise<Raster> {
    let cur = raster;
    let applied: unknown;
    for (const stage of stages) {
      signal?.throwIfAborted();
      if (stage.kind === 'geometry') {
        const t = performance.now();
        cur = await applyGeometry(cur, stage.ops);
        this.times.geometryMs += performance.now() - t;
      } else if (isLutStage(stage)) {
        // One fused table in place: cheaper than any copy to a worker and back.
        const t = performance.now();
        const [first, ...rest] = stage.steps.map((s) => {
          try {
            return s.inst.def.kind === 'point' ? s.inst.def.lut!(s.inst.params as never) : new Uint8Array(0);
          } catch (err) {
            throw new Error(`operation "${s.inst.def.name}" failed: ${err instanceof Error ? err.message : String(err)}`);
          }
        });
        const lut = rest.reduce(composeLut, first);
        applyLut(cur.data, lut, cur.channels);
        applied = undefined;
        this.times.lutMs += performance.now() - t;
      } else {
        const out = await this.#runTiles(cur, stage, applied, signal);
        cur = out.raster;
        applied = out.applied;
      }
    }
    return cur;
  }

  async #runTiles(
    raster: Raster,
    stage: TileStage,
    applied: unknown,
    signal?: AbortSignal,
  ): Promise<{ raster: Raster; applied: unknown }> {
    const { width, height, channels } = raster;
    const keepPixels = stage.steps.length > 0;
    const steps: TileStep[] = stage.steps.map((s) => ({
      name: s.inst.def.name,
      params: s.inst.params,
      radius: s.radius,
      ...(s.inst.def.kind === 'global' ? { applied } : {}),
    }));
    const reduce = stage.reduce ? { name: stage.reduce.def.name, params: stage.reduce.params } : undefined;
    const size = stageTileSize(this.#options.tileSize, stage.radius);
    const tiles = tileGrid(width, height, size, stage.radius);
    // Every tile buffer of the stage is cut for its largest tile, so that any kept one serves any tile (BufferPool).
    const bufferBytes = tiles.reduce((most, t) => Math.max(most, t.input.width * t.input.height * channels), 0);
    // A neighbourhood op writes its result into a buffer of the worker's: always send one, or the worker allocates it.
    const writesNew = stage.steps.some((s) => s.inst.def.kind === 'neighbourhood');
    const partials: unknown[] = new Array(tiles.length);
    // A single tile that is the whole image: move the raster's own buffer, no copy.
    const wholeBuffer =
      tiles.length === 1 && keepPixels && raster.data.byteOffset === 0 && raster.data.byteLength === raster.data.buffer.byteLength;
    // Output: the input raster itself (cores written back in place), or the moved-back whole buffer.
    let out = raster.data;
    const readers = lastReaders(width, height, size, stage.radius);
    const pending = new Map<number, Uint8Array>();
    const flush = (all: boolean): void => {
      const t1 = performance.now();
      for (const [index, core] of pending) {
        if (all || readers[index] < next) {
          pasteRegion(out, width, tiles[index].core, core, channels);
          pending.delete(index);
          this.#buffers.give(core.buffer as ArrayBuffer);
        }
      }
      this.times.reassembleMs += performance.now() - t1;
    };

    let next = 0;
    let failed = false;
    const lane = async (): Promise<void> => {
      while (next < tiles.length && !failed) {
        const index = next++;
        const tile = tiles[index];
        const t0 = performance.now();
        const inputBytes = tile.input.width * tile.input.height * channels;
        const coreBytes = tile.core.width * tile.core.height * channels;
        const buffer = wholeBuffer ? (raster.data.buffer as ArrayBuffer) : copyRegion(raster, tile.input, this.#buffers.take(inputBytes, bufferBytes));
        this.times.cutMs += performance.now() - t0;
        const spare = !keepPixels ? undefined : writesNew ? this.#buffers.take(coreBytes, bufferBytes).buffer as ArrayBuffer : this.#buffers.takeKept(coreBytes, bufferBytes);
        const task: TileTask = {
          steps, reduce, keepPixels, hasAlpha: raster.hasAlpha, channels, imageWidth: width, imageHeight: height,
          core: tile.core, input: tile.input, buffer, bufferBytes, ...(spare ? { spare } : {}), plugins: this.#options.plugins,
        };
        try {
          const result = await this.#pool.run(task, signal);
          partials[index] = result.partial;
          this.#buffers.give(result.spare);
          if (result.buffer && wholeBuffer) {
            out = new Uint8Array(result.buffer, 0, coreBytes);
          } else if (result.buffer) {
            pending.set(index, new Uint8Array(result.buffer, 0, coreBytes));
            flush(false);
          }
        } catch (err) {
          failed = true;
          if (err instanceof Error && !signal?.aborted && !err.message.startsWith('operation "')) {
            err.message = `worker stopped while running ${steps.map((s) => s.name).join(' → ') || stage.reduce?.def.name}: ${err.message}`;
          }
          throw err;
        }
      }
    };
    const lanes = Math.min(tiles.length, this.#options.maxTilesInFlight ?? 2 * this.#pool.workers);
    await Promise.all(Array.from({ length: lanes }, lane));
    flush(true);

    let nextApplied: unknown;
    if (stage.reduce && stage.reduce.def.kind === 'global') {
      const def = stage.reduce.def;
      let total = partials[0];
      for (let i = 1; i < partials.length; i++) total = def.merge(total, partials[i]);
      nextApplied = def.finish(total, stage.reduce.params as never);
    }
    return { raster: { data: out, width, height, channels, hasAlpha: raster.hasAlpha }, applied: nextApplied };
  }
}
