/**
 * What a queued job carries: paths and the normalised chain and output
 * options, never pixels. Its id is derived from the content key (input hash,
 * chain, output options and paths), so enqueuing the same work twice adds
 * nothing, and a job redone after a crash writes the same bytes.
 */
import { keyOf } from '../runs/hash.js';
import type { OutputSpec } from '../exec/types.js';
import type { ManifestEntry } from '../runs/manifest.js';
import type { PlannedInput } from '../runs/run-types.js';
import type { OutputRecord } from '../runs/cache.js';

/** The data of one job: one input and its outputs. */
export interface ImageJob {
  readonly batch: string;
  readonly input: string;
  readonly outDir: string;
  readonly outputs: readonly OutputSpec[];
  /** The chain, normalised (`blur:sigma=2,…`). */
  readonly ops: readonly string[];
  readonly entry: ManifestEntry;
}

/** What a finished job returns (its `returnvalue`). */
export interface ImageJobResult {
  readonly status: 'ok' | 'skipped';
  readonly outputs: OutputRecord[];
  readonly warning?: string;
}

/** The job of a planned input. */
export function imageJob(batch: string, outDir: string, ops: readonly string[], item: PlannedInput): ImageJob {
  return { batch, input: item.file.path, outDir, outputs: item.outputs, ops, entry: item.entry };
}

/** The job id: the content key of the work, the same for the same input, chain, options and outputs. */
export function jobIdOf(job: ImageJob): string {
  return `img-${keyOf([job.entry.inputHash, job.entry.optionsKey, job.outputs.map((o) => o.path)])}`;
}
