/**
 * What the engine takes and gives: jobs (one input, its outputs), results,
 * lifecycle events and time counters. Shared by the engine, the folder run
 * and the public facade.
 */
import type { ChainStep } from '../plan/chain.js';
import type { EncodedInfo } from '../io/encode.js';
import type { OutputFormat } from '../model/options.js';
import type { EncodeSettings, EncoderSettings } from '../model/encoder-options.js';
import type { PoolTimes } from './worker/pool.js';
import type { CoordinatorTimes } from './coordinator.js';

/** How to process one image. */
export interface ProcessOptions {
  /** The chain, in order: `'blur:sigma=2'` strings or `{ op: 'blur', sigma: 2 }` objects. */
  readonly ops?: readonly ChainStep[];
  /** Output format (for files: default from the output's extension). */
  readonly format?: OutputFormat;
  /** Encoder quality 1–100 (jpeg, webp, avif, tiff). */
  readonly quality?: number;
  /** Encoder settings per format (`{ webp: { lossless: true } }`); the output's format picks its own. */
  readonly encode?: EncodeSettings;
  /** Cancels the work; the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** One output file of an input: where, how encoded, and (for variants) at which width. */
export interface OutputSpec {
  readonly path: string;
  readonly format: OutputFormat;
  readonly quality?: number;
  /** The output format's encoder settings (checked: see encoder-options.ts). */
  readonly encoder?: EncoderSettings;
  /** Resize the processed image to this width for this output. */
  readonly width?: number;
  /** Keep the source's EXIF (textual tags) and write an sRGB profile; default: stripped. */
  readonly keepMetadata?: boolean;
  /** Resolve symbolic links and refuse to write unless the output lands inside this folder. */
  readonly within?: string;
}

/** One input file and its outputs. */
export interface FileJob {
  readonly input: string;
  readonly outputs: readonly OutputSpec[];
}

/** A written output. */
export interface WrittenOutput extends EncodedInfo {
  readonly path: string;
  readonly mtimeMs: number;
}

/** The outcome for one input of {@link Pipeline.processFiles}. */
export interface FileResult {
  readonly input: string;
  readonly status: 'ok' | 'failed';
  readonly outputs: WrittenOutput[];
  /** One line naming the file and the reason, when failed. */
  readonly error?: string;
  /** Something the user should know, e.g. that only the first frame of an animation was processed. */
  readonly warning?: string;
  readonly ms: number;
}

/** Lifecycle events of {@link Pipeline.processFiles}, for progress and instrumentation. */
export type PipelineEvent =
  | { readonly type: 'decoded'; readonly input: string; readonly width: number; readonly height: number }
  | { readonly type: 'released'; readonly input: string }
  | { readonly type: 'file'; readonly result: FileResult };

/** Options of {@link Pipeline.processFiles}. */
export interface BatchOptions {
  readonly ops?: readonly ChainStep[];
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: PipelineEvent) => void;
}

/** Where time went, in ms summed over images (stages overlap, so sums exceed wall time). */
export interface PipelineTimes extends PoolTimes, CoordinatorTimes {
  readMs: number;
  decodeMs: number;
  encodeMs: number;
  /** Images decoded and encoded in one sharp pipeline (nothing to run between; see io/transcode.ts). */
  transcodeMs: number;
  images: number;
  peakInFlight: number;
}
