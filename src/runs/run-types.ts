/**
 * What a folder run takes and reports: its options, one event per input, the
 * summary; and the plan of one input that the run's phases pass along.
 */
import type { EncodeSettings } from '../model/encoder-options.js';
import type { ChainStep } from '../plan/chain.js';
import type { OutputFormat } from '../model/options.js';
import type { OutputSpec } from '../exec/types.js';
import { shownPath } from '../io/content-hash.js';
import type { InputFile } from './expand-inputs.js';
import type { ManifestEntry } from './manifest.js';
import type { OutputRecord } from './cache.js';

/** Options of a folder run. */
export interface RunOptions {
  /** Files, directories (walked recursively) and globs. */
  readonly inputs: readonly string[];
  /** Where outputs go; the tree below each input's base is mirrored. */
  readonly outDir: string;
  /** The chain applied to every input. */
  readonly ops?: readonly ChainStep[];
  /** Output formats (default: the input's format where tilepipe writes it, else png). */
  readonly formats?: readonly OutputFormat[];
  /** Width variants: every width × format is written. */
  readonly widths?: readonly number[];
  /** Encoder quality 1–100. */
  readonly quality?: number;
  /** Encoder settings per format: `{ jpeg: { mozjpeg: true }, webp: { lossless: true } }` (see `--effort`, `--lossless`, …). */
  readonly encode?: EncodeSettings;
  /** Keep EXIF (textual tags) and write an sRGB profile; stripped by default. */
  readonly keepMetadata?: boolean;
  /** Output name template (default `{dir}/{name}.{ext}`, or `{dir}/{name}-{width}.{ext}` with widths). */
  readonly name?: string;
  /** Redo outputs the manifest says are up to date. */
  readonly force?: boolean;
  /** Report what would be done; read inputs, write nothing. */
  readonly dryRun?: boolean;
  /** Allow an output to replace its own input (atomically, via a temp file). Without it, such a run is refused. */
  readonly inPlace?: boolean;
  /** Follow symbolic links when walking directories and globs. */
  readonly followSymlinks?: boolean;
  /** Remove outputs whose input is gone, as the manifest records them (never a file it does not list, or one changed since written). */
  readonly prune?: boolean;
  /** Globs of inputs to leave out (see `--ignore`): matched below each input folder and from `cwd`; without a slash, against file names. */
  readonly ignore?: readonly string[];
  /** Folder relative inputs resolve against (default: `process.cwd()`). */
  readonly cwd?: string;
  /** Stops the run: no new input starts, in-flight ones are abandoned, no partial files stay. */
  readonly signal?: AbortSignal;
  /** Called once per input with its outcome (the same objects as the CLI's NDJSON lines). */
  readonly onProgress?: (event: FileEvent) => void;
  /** Stop at the first failed input and reject with its error (default: failures are reported, never thrown). */
  readonly failOnError?: boolean;
  /** Called once planning is done, before any input is processed. */
  readonly onPlan?: (plan: { readonly inputs: number; readonly todo: number }) => void;
  /**
   * Keep every input's outcome in `summary.files` (default true). With false,
   * only failed inputs are kept (the counts stay complete): for very long runs
   * whose outcomes are consumed through `onProgress`, as the CLI does.
   */
  readonly keepFiles?: boolean;
}

/** The outcome of one input (the CLI prints these as NDJSON with `--json`). */
export interface FileEvent {
  readonly type: 'file';
  readonly input: string;
  /** Every output of the input; width, height and bytes once it exists. */
  readonly outputs: OutputRecord[];
  /** `planned`: a dry run would process it. */
  readonly status: 'ok' | 'skipped' | 'failed' | 'planned';
  /** Where an `ok` input's outputs came from when it was not processed: the cache, or an identical input in this run. */
  readonly from?: 'cache' | 'duplicate';
  readonly error?: string;
  /** e.g. that only the first frame of an animation was processed. */
  readonly warning?: string;
  readonly ms: number;
}

/** Totals of a run. */
export interface RunSummary {
  readonly type: 'summary';
  readonly ok: number;
  readonly skipped: number;
  readonly failed: number;
  readonly planned: number;
  /** Files written. */
  readonly outputs: number;
  /** Megapixels decoded. */
  readonly megapixels: number;
  readonly wallMs: number;
  readonly imagesPerSecond: number;
  /** Whether the signal stopped the run early. */
  readonly aborted: boolean;
  /** Set if the manifest could not be written (outputs are fine; the next run redoes them). */
  readonly manifestError?: string;
  /** With `prune`: the outputs removed because their input is gone (with `dryRun`: that would be). */
  readonly pruned?: readonly string[];
  /** Every input's outcome, in completion order (for srcset / picture markup); only the failed ones with `keepFiles: false`. */
  readonly files: FileEvent[];
}

/** One input as planned: its content hash, its outputs, the manifest check and cache keys. */
export interface PlannedInput {
  readonly file: InputFile;
  readonly hash: string;
  readonly outputs: OutputSpec[];
  readonly entry: ManifestEntry;
  /** Cache key per output. */
  readonly keys: string[];
}

/** The record of an output that exists: its size and modification time as written (the manifest checks both). */
export type WrittenRecord = OutputRecord & { readonly bytes: number; readonly mtimeMs: number };

/** The record of an output not written (yet): where and how. */
export const pending = (o: OutputSpec): OutputRecord => ({ path: shownPath(o.path), format: o.format, ...(o.width ? { width: o.width } : {}) });
