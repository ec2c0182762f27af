/**
 * Runs one tile stage over one tile: the code every pool worker executes.
 * It fuses consecutive LUT ops into one pass, premultiplies alpha around
 * neighbourhood kernels, and shrinks the working region op by op so that the
 * last op writes exactly the tile's core.
 */
import type { TileView } from '../../model/op.js';
import { narrowToRgb, widenRgb, type Channels, type Rect } from '../../model/raster.js';
import type { OpRegistry } from '../../plan/registry.js';
import { growRect } from '../../plan/tiling.js';
import { applyLut, composeLut } from '../../kernels/lut.js';
import { channelsOf } from '../../model/view.js';
import { fillAlpha, premultiply, unpremultiply } from '../../kernels/alpha.js';
import { ScratchBuffers } from './scratch.js';
import { BufferPool } from '../buffer-pool.js';

/** One op of a stage as it travels to a worker: name, validated params, radius, and for a global op the finished data. */
export interface TileStep {
  readonly name: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly radius: number;
  readonly applied?: unknown;
}

/** The message a worker receives for one tile. `buffer` holds `input`'s pixels (RGB or RGBA, as `channels` says) and is transferred, not cloned. */
export interface TileTask {
  readonly steps: readonly TileStep[];
  /** A global op whose partial summary of the output core is wanted. */
  readonly reduce?: { readonly name: string; readonly params: Readonly<Record<string, unknown>> };
  /** Whether the output pixels are wanted back (false for a summary-only pass). */
  readonly keepPixels: boolean;
  readonly imageWidth: number;
  readonly imageHeight: number;
  readonly hasAlpha: boolean;
  /** Bytes per pixel of `buffer` and of the returned buffer: 3 (RGB, widened to RGBA for the kernels) or 4. */
  readonly channels: Channels;
  readonly core: Rect;
  readonly input: Rect;
  /** The input's pixels in its first `input.width × input.height × channels` bytes (it may be longer). */
  readonly buffer: ArrayBuffer;
  /** The stage's largest tile buffer: the size of a fresh buffer for a result here, so that it serves any tile later (absent: the result's own size). */
  readonly bufferBytes?: number;
  /** A spent buffer the worker may write results into (transferred; see BufferPool). */
  readonly spare?: ArrayBuffer;
  /** Plugin module paths the worker must load before resolving `steps`. */
  readonly plugins: readonly string[];
}

/** A worker's answer: the core's pixels (its own ArrayBuffer, `channels` bytes per pixel), the summary, and the compute time. */
export interface TileResult {
  /** The core's pixels in its first `core.width × core.height × channels` bytes (it may be longer). */
  readonly buffer?: ArrayBuffer;
  /** The task's input buffer, handed back once spent, for the coordinator to cut into again. */
  readonly spare?: ArrayBuffer;
  readonly partial?: unknown;
  readonly computeMs: number;
}

function view(data: Uint8Array, rect: Rect, task: TileTask, channels: Channels): TileView {
  return { data, channels, x: rect.x, y: rect.y, width: rect.width, height: rect.height, imageWidth: task.imageWidth, imageHeight: task.imageHeight };
}

/** This thread's scratch rasters (RGB tiles widened to RGBA work in them; only the narrowed result leaves the thread). */
const scratch = new ScratchBuffers();
/** Spent buffers the coordinator handed back, for results. */
const spares = new BufferPool(4, 64 << 20);

/**
 * Runs the task's steps on its buffer; the returned buffer covers exactly
 * `task.core`. An RGB tile stays RGB through ops that declare `rgb: true`
 * and LUT ops, and is widened to RGBA (in scratch) for the first op that
 * needs RGBA, then narrowed back at the end.
 */
export function executeTile(task: TileTask, registry: OpRegistry): TileResult {
  const start = performance.now();
  let rect = task.input;
  spares.give(task.spare);
  let cur = view(new Uint8Array(task.buffer, 0, rect.width * rect.height * task.channels), rect, task, task.channels);
  // Where `cur`'s pixels live: the task's own buffer, a spare (transferable), or a scratch slot.
  let home = 'input' as 'input' | 'spare' | 'scratch';
  let slot: 0 | 1 = 0;
  // Whether task.buffer is spent (its pixels are no longer read), so it can go back to the coordinator.
  let inputSpent = false;
  const release = (): void => {
    if (home === 'input') inputSpent = true;
    else if (home === 'spare') spares.give(cur.data.buffer as ArrayBuffer);
  };
  const needRgba = (): void => {
    if (cur.channels === 4) return;
    const wide = widenRgb(cur.data, scratch.get(0, cur.width * cur.height * 4));
    release();
    cur = view(wide, rect, task, 4);
    home = 'scratch';
    slot = 0;
  };
  let remaining = task.steps.reduce((r, s) => r + s.radius, 0);
  const steps = task.steps;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    const def = registry.get(step.name);
    try {
      switch (def.kind) {
        case 'point': {
          if (def.lut) {
            let lut = def.lut(step.params as never);
            // Fuse the following LUT ops into one table: one pass over the pixels.
            while (i + 1 < steps.length) {
              const next = registry.get(steps[i + 1].name);
              if (next.kind !== 'point' || !next.lut) break;
              lut = composeLut(lut, next.lut(steps[i + 1].params as never));
              i++;
            }
            applyLut(cur.data, lut, channelsOf(cur));
          } else {
            if (!def.rgb) needRgba();
            def.kernel!(cur, step.params as never);
          }
          break;
        }
        case 'global':
          if (!def.rgb) needRgba();
          def.kernel(cur, step.params as never, step.applied);
          break;
        case 'neighbourhood': {
          if (!def.rgb) needRgba();
          const channels = cur.channels ?? 4;
          remaining -= step.radius;
          rect = growRect(task.core, remaining, task.imageWidth, task.imageHeight);
          const size = rect.width * rect.height * channels;
          if (home === 'scratch') slot = slot === 0 ? 1 : 0;
          const dst = view(home === 'scratch' ? scratch.get(slot, size) : spares.take(size, task.bufferBytes), rect, task, channels);
          if (task.hasAlpha) premultiply(cur.data);
          def.kernel(cur, dst, step.params as never);
          if (!task.hasAlpha) {
            if (channels === 4) fillAlpha(dst.data, 255);
          } else {
            if (def.alpha === 'preserve') copyAlpha(cur, dst);
            unpremultiply(dst.data);
          }
          release();
          cur = dst;
          if (home === 'input') home = 'spare';
          break;
        }
        case 'geometry':
          throw new Error('geometry ops run in sharp, not in tiles');
      }
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      e.message = `operation "${step.name}" failed: ${e.message}`;
      throw e;
    }
  }
  let partial: unknown;
  if (task.reduce) {
    const def = registry.get(task.reduce.name);
    if (def.kind === 'global') {
      if (!def.rgb) needRgba();
      partial = def.partial(cur, task.reduce.params as never);
    }
  }
  let buffer: ArrayBuffer | undefined;
  if (task.keepPixels) {
    buffer = (home === 'scratch' ? narrowToRgb(cur.data, spares.take(cur.data.length * 0.75, task.bufferBytes)) : cur.data).buffer as ArrayBuffer;
  } else if (home === 'spare') {
    spares.give(cur.data.buffer as ArrayBuffer);
  }
  const spare = inputSpent || !task.keepPixels ? task.buffer : undefined;
  return { buffer, ...(spare && spare !== buffer ? { spare } : {}), partial, computeMs: performance.now() - start };
}

/** Copies alpha from the input pixel under each `dst` pixel. */
function copyAlpha(src: TileView, dst: TileView): void {
  const s = src.data;
  const d = dst.data;
  for (let y = 0; y < dst.height; y++) {
    let si = ((dst.y + y - src.y) * src.width + (dst.x - src.x)) * 4 + 3;
    let di = y * dst.width * 4 + 3;
    for (let x = 0; x < dst.width; x++, si += 4, di += 4) d[di] = s[si];
  }
}
