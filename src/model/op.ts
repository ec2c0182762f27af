/**
 * The operation model: what an operation computes, declared once.
 *
 * An operation says *what* it computes (its parameters, its halo radius, a
 * pure kernel over a tile view in global coordinates). Tiling, workers and
 * order are decided by the planner and coordinator alone.
 */
import type { Sharp } from 'sharp';
import type { ParamSchema, Params } from './param.js';
import { ValidationError } from './errors.js';

/**
 * A rectangle of pixels positioned in the image's global coordinates.
 * `data` holds `width × height × 4` bytes, row-major, straight (or, inside a
 * neighbourhood kernel on an image with alpha, premultiplied) RGBA; only an
 * op that declares `rgb: true` may be given 3-byte RGB views (`channels: 3`)
 * of images without alpha.
 */
export interface TileView {
  /** The bytes of this region, `width * channels` bytes per row. */
  readonly data: Uint8Array;
  /** Bytes per pixel: 4 (RGBA) when absent; 3 (RGB) only for ops declaring `rgb: true`. */
  readonly channels?: 3 | 4;
  /** Global column of the region's left edge. */
  readonly x: number;
  /** Global row of the region's top edge. */
  readonly y: number;
  /** Region width in pixels. */
  readonly width: number;
  /** Region height in pixels. */
  readonly height: number;
  /** Width of the whole image (reads clamp to `[0, imageWidth - 1]`). */
  readonly imageWidth: number;
  /** Height of the whole image (reads clamp to `[0, imageHeight - 1]`). */
  readonly imageHeight: number;
}

/** Fields common to every operation declaration. */
interface OpCommon<S extends ParamSchema> {
  /** Unique kebab-case name used in chains (`blur`, `box-blur`). */
  readonly name: string;
  /** One-line description for `tilepipe ops`. */
  readonly description: string;
  /** Parameter declaration. */
  readonly params: S;
  /** Optional check across parameters; throw a ValidationError naming the parameters. */
  check?(p: Params<S>): void;
}

/**
 * A per-pixel operation. Give `lut` when each of R, G, B maps through its own
 * 256-entry table (consecutive LUT ops are fused into one pass), otherwise a
 * `kernel` that rewrites the view in place. Alpha is straight, and is left to
 * the kernel (LUT ops never touch it).
 */
export interface PointOp<S extends ParamSchema = ParamSchema> extends OpCommon<S> {
  readonly kind: 'point';
  /** A 768-byte table: `lut[c * 256 + v]` is the new value of channel c (R, G, B). */
  lut?(p: Params<S>): Uint8Array;
  /** Rewrites every pixel of the view in place (used when there is no `lut`). */
  kernel?(view: TileView, p: Params<S>): void;
  /**
   * True when `kernel` also works on 3-byte RGB views (`view.channels`) of
   * images without alpha, which then skip widening to RGBA and back. LUT ops
   * need no flag: tables never touch alpha.
   */
  readonly rgb?: boolean;
  /**
   * The same op as a step of a sharp pipeline, for an op whose `lut` libvips
   * reproduces exactly on 8-bit sRGB (test/ops/native-point.test.ts checks
   * every value of the built-ins). When it is the only op after the on-load
   * one, an sRGB image is decoded, processed and encoded in one libvips
   * pipeline, without the round trip through raw pixels (exec/direct.ts).
   */
  native?(image: Sharp, p: Params<S>): Sharp;
}

/**
 * An operation whose output pixel depends on input pixels up to `radius` away.
 * The kernel fills every pixel of `dst`, reading `src`, which covers `dst`
 * grown by the radius and clipped to the image. Reads outside the image clamp
 * to its edge. On images with alpha, the kernel sees premultiplied RGBA.
 */
export interface NeighbourhoodOp<S extends ParamSchema = ParamSchema> extends OpCommon<S> {
  readonly kind: 'neighbourhood';
  /** Halo radius in pixels for the given parameters. */
  radius(p: Params<S>): number;
  /**
   * `filter` (default): the kernel's alpha output is kept.
   * `preserve`: alpha is copied from the input pixel (edge detectors, emboss).
   */
  readonly alpha?: 'filter' | 'preserve';
  /**
   * True when the kernel also works on 3-byte RGB views (`src.channels`, the
   * same for `dst`): images without alpha then skip widening to RGBA and
   * back, a quarter less work. Every channel must be computed alike.
   */
  readonly rgb?: boolean;
  kernel(src: TileView, dst: TileView, p: Params<S>): void;
}

/**
 * A two-phase operation over the whole image: `partial` summarises each tile
 * (in workers), `merge` combines summaries (on the coordinator, in tile order),
 * `finish` turns the total into the data `kernel` applies per tile. Summaries
 * and finished data cross threads, so they must be structured-cloneable.
 */
export interface GlobalOp<S extends ParamSchema = ParamSchema, T = unknown, A = unknown>
  extends OpCommon<S> {
  readonly kind: 'global';
  /** True when `partial` and `kernel` also work on 3-byte RGB views (see NeighbourhoodOp.rgb). */
  readonly rgb?: boolean;
  partial(view: TileView, p: Params<S>): T;
  merge(a: T, b: T): T;
  finish(total: T, p: Params<S>): A;
  kernel(view: TileView, p: Params<S>, applied: A): void;
}

/** Image size as seen by a geometry operation. */
export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

/** An operation that changes the image's geometry, run by sharp (libvips) between tile stages. */
export interface GeometryOp<S extends ParamSchema = ParamSchema> extends OpCommon<S> {
  readonly kind: 'geometry';
  /** Adds this operation to a sharp pipeline over the current RGBA raster. */
  apply(image: Sharp, p: Params<S>, size: ImageSize): Sharp;
  /**
   * The size `apply` will produce from an image of `size`. The pipeline plans
   * every stage's size from the input's header before decoding, and fails an
   * image whose chain would exceed the pixel limit, naming the op. An op
   * without it is assumed to keep the size.
   */
  size?(p: Params<S>, size: ImageSize): ImageSize;
  /**
   * True when `apply` may run inside the decoding pipeline instead (after EXIF
   * orientation, before conversion to 8-bit sRGB RGBA), when it leads the
   * chain: libvips can then shrink on load (JPEG DCT scaling, WebP, …) and
   * skip most of the decode. The result is as close as sharp's own
   * `sharp(file).resize()`; it is not byte-identical to decoding first.
   */
  readonly onLoad?: boolean;
}

/** Any operation declaration. */
export type OpDefinition<S extends ParamSchema = ParamSchema> =
  | PointOp<S>
  | NeighbourhoodOp<S>
  | GlobalOp<S, any, any>
  | GeometryOp<S>;

/** The kind of an operation. */
export type OpKind = OpDefinition['kind'];

const NAME_RE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Declares an operation. Use it for built-in operations and in plugins:
 *
 * @example
 * ```js
 * import { defineOp } from 'tilepipe';
 * export const solarize = defineOp({
 *   name: 'solarize', kind: 'point', description: 'Invert tones above a threshold',
 *   params: { threshold: { type: 'number', min: 0, max: 255, default: 128, description: 'cut-off' } },
 *   lut: ({ threshold }) => { const t = new Uint8Array(768); for (let i = 0; i < 768; i++) { const v = i & 255; t[i] = v > threshold ? 255 - v : v; } return t; },
 * });
 * ```
 */
export function defineOp<const S extends ParamSchema, T = unknown, A = unknown>(
  def:
    | PointOp<S>
    | NeighbourhoodOp<S>
    | GlobalOp<S, T, A>
    | GeometryOp<S>,
): OpDefinition {
  const d = def as OpDefinition & { lut?: unknown; kernel?: unknown };
  const fail = (msg: string): never => {
    throw new ValidationError(`defineOp(${JSON.stringify(d?.name)}): ${msg}`);
  };
  if (typeof d !== 'object' || d === null) fail('expected an object');
  if (typeof d.name !== 'string' || !NAME_RE.test(d.name)) fail('name must be kebab-case, e.g. "my-op"');
  if (typeof d.description !== 'string') fail('description must be a string');
  if (typeof d.params !== 'object' || d.params === null) fail('params must be an object of parameter specs');
  switch (d.kind) {
    case 'point':
      if (typeof d.lut !== 'function' && typeof d.kernel !== 'function') fail('a point op needs lut or kernel');
      break;
    case 'neighbourhood':
      if (typeof d.radius !== 'function') fail('radius must be a function of the params');
      if (typeof d.kernel !== 'function') fail('kernel must be a function');
      break;
    case 'global':
      for (const f of ['partial', 'merge', 'finish', 'kernel'] as const) {
        if (typeof d[f] !== 'function') fail(`a global op needs ${f}()`);
      }
      break;
    case 'geometry':
      if (typeof d.apply !== 'function') fail('a geometry op needs apply()');
      break;
    default:
      fail('kind must be point, neighbourhood, global or geometry');
  }
  return Object.freeze(d);
}
