/**
 * Runs one tile stage over one tile: the code every pool worker executes.
 * It fuses consecutive LUT ops into one pass, premultiplies alpha around
 * neighbourhood kernels, and shrinks the working region op by op so that the
 * last op writes exactly the tile's core.
 */
import type { TileView } from '../../model/op.js';
import type { Rect } from '../../model/raster.js';
import type { OpRegistry } from '../../plan/registry.js';
import { growRect } from '../../plan/tiling.js';
import { applyLut, composeLut } from '../../kernels/lut.js';
import { fillAlpha, premultiply, unpremultiply } from '../../kernels/alpha.js';

/** One op of a stage as it travels to a worker: name, validated params, radius, and for a global op the finished data. */
export interface TileStep {
  readonly name: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly radius: number;
  readonly applied?: unknown;
}

/** The message a worker receives for one tile. `buffer` holds `input`'s RGBA and is transferred, not cloned. */
export interface TileTask {
  readonly steps: readonly TileStep[];
  /** A global op whose partial summary of the output core is wanted. */
  readonly reduce?: { readonly name: string; readonly params: Readonly<Record<string, unknown>> };
  /** Whether the output pixels are wanted back (false for a summary-only pass). */
  readonly keepPixels: boolean;
  readonly imageWidth: number;
  readonly imageHeight: number;
  readonly hasAlpha: boolean;
  readonly core: Rect;
  readonly input: Rect;
  readonly buffer: ArrayBuffer;
  /** Plugin module paths the worker must load before resolving `steps`. */
  readonly plugins: readonly string[];
}

/** A worker's answer: the core's RGBA (its own ArrayBuffer), the summary, and the compute time. */
export interface TileResult {
  readonly buffer?: ArrayBuffer;
  readonly partial?: unknown;
  readonly computeMs: number;
}

function view(data: Uint8Array, rect: Rect, task: TileTask): TileView {
  return { data, x: rect.x, y: rect.y, width: rect.width, height: rect.height, imageWidth: task.imageWidth, imageHeight: task.imageHeight };
}

/** Runs the task's steps on its buffer; the returned buffer covers exactly `task.core`. */
export function executeTile(task: TileTask, registry: OpRegistry): TileResult {
  const start = performance.now();
  let rect = task.input;
  let cur = view(new Uint8Array(task.buffer), rect, task);
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
            applyLut(cur.data, lut);
          } else {
            def.kernel!(cur, step.params as never);
          }
          break;
        }
        case 'global':
          def.kernel(cur, step.params as never, step.applied);
          break;
        case 'neighbourhood': {
          remaining -= step.radius;
          rect = growRect(task.core, remaining, task.imageWidth, task.imageHeight);
          const dst = view(new Uint8Array(rect.width * rect.height * 4), rect, task);
          if (task.hasAlpha) premultiply(cur.data);
          def.kernel(cur, dst, step.params as never);
          if (!task.hasAlpha) fillAlpha(dst.data, 255);
          else {
            if (def.alpha === 'preserve') copyAlpha(cur, dst);
            unpremultiply(dst.data);
          }
          cur = dst;
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
    if (def.kind === 'global') partial = def.partial(cur, task.reduce.params as never);
  }
  const buffer = task.keepPixels ? cur.data.buffer as ArrayBuffer : undefined;
  return { buffer, partial, computeMs: performance.now() - start };
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
