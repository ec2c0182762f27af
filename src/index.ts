/**
 * tilepipe: a parallel tiled image-processing pipeline.
 * @packageDocumentation
 */
export { createPipeline, Pipeline } from './pipeline.js';
export type {
  PipelineOptions, ProcessOptions, OutputSpec, FileJob, FileResult, WrittenOutput, BatchOptions, PipelineEvent, PipelineTimes,
} from './pipeline.js';
export { defineOp } from './op.js';
export type { OpDefinition, OpKind, TileView, PointOp, NeighbourhoodOp, GlobalOp, GeometryOp, ImageSize } from './op.js';
export { ValidationError } from './param.js';
export type { ParamSpec, ParamSchema, Params, NumberParam, EnumParam, BooleanParam, NumberListParam } from './param.js';
export type { OpSpec, OpInstance } from './chain.js';
export { parseOpString, formatOp } from './chain.js';
export { OpRegistry } from './registry.js';
export { OUTPUT_FORMATS, formatFromPath, parseFormat } from './output.js';
export type { OutputFormat, EncodeOptions } from './output.js';
export { DEFAULT_TILE_SIZE } from './tiling.js';
export type { RunOptions, RunSummary, FileEvent } from './run.js';
export type { OutputRecord } from './cache.js';
export { DEFAULT_CACHE_DIR } from './cache.js';
export type { VariantOptions } from './variants.js';
export { IMAGE_EXTENSIONS } from './inputs.js';
export { NAME_FIELDS } from './naming.js';
export { DEFAULT_LIMIT_INPUT_PIXELS } from './input.js';
