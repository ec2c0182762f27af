/**
 * tilepipe: a parallel tiled image-processing pipeline.
 *
 * Importing it tunes glibc's allocator for the process (see
 * `io/malloc-tuning.ts`; a MALLOC_* or GLIBC_TUNABLES setting in the
 * environment is kept instead), as sharp sets its own process-wide settings.
 * @packageDocumentation
 */
import './io/malloc-at-load.js';
export { createPipeline, Pipeline } from './pipeline.js';
export type {
  PipelineOptions, ProcessOptions, OutputSpec, FileJob, FileResult, WrittenOutput, BatchOptions, PipelineEvent, PipelineTimes,
} from './pipeline.js';
export { defineOp } from './model/op.js';
export { channelsOf, clampedColumn, clampedColumns, clampedIndex, clampedRow, clampY, padRow, pixels32, streamRows, type PadRow, type PadRowBytes } from './model/view.js';
export type { OpDefinition, OpKind, TileView, PointOp, NeighbourhoodOp, GlobalOp, GeometryOp, ImageSize } from './model/op.js';
export { ValidationError, InputError, EncodeError, TimeoutError, TilepipeError } from './model/errors.js';
export { inspectFile, type ImageInfo } from './io/inspect.js';
export type { ParamSpec, ParamSchema, Params, NumberParam, EnumParam, BooleanParam, NumberListParam } from './model/param.js';
export type { OpSpec, OpInstance, ChainStep, OpParams, OpName, OpObject, OpString } from './plan/chain.js';
export type { BuiltinOpParams } from './ops/op-params.js';
export { parseOpString, formatOp } from './plan/chain.js';
export { OpRegistry } from './plan/registry.js';
export { formatFromPath } from './io/encode.js';
export type { EncodeOptions } from './io/encode.js';
export { OUTPUT_FORMATS, OPTIONS, parseFormat, parseOption } from './model/options.js';
export { parseOptions, optionForKey } from './model/options.js';
export type { OutputFormat, OptionName, OptionSpec, OptionKind } from './model/options.js';
export type { EncodeSettings, EncoderSettings } from './model/encoder-options.js';
export { DEFAULT_TILE_SIZE } from './plan/tiling.js';
export type { RunOptions, RunSummary, FileEvent } from './runs/folder-run.js';
export type { OutputRecord } from './runs/cache.js';
export { DEFAULT_CACHE_DIR } from './runs/cache.js';
export type { VariantOptions } from './runs/variants.js';
export { IMAGE_EXTENSIONS } from './runs/expand-inputs.js';
export { NAME_FIELDS } from './runs/naming.js';
export { DEFAULT_LIMIT_INPUT_PIXELS } from './io/decode.js';
export type { Picture, PictureSource, PictureImage, ImageMeta } from './web/picture.js';
export type { PictureOptions } from './web/publish.js';
export { toHtml, type HtmlOptions } from './web/html.js';
export { PLACEHOLDER_KINDS, makePlaceholder, type PlaceholderKind } from './web/placeholder.js';
