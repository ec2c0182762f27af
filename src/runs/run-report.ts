/**
 * The outcomes of a folder run as they happen: counts, the kept events, the
 * manifest record of every finished output (made before the event is
 * reported, so a kill after the report cannot lose it), and the stop on the
 * first failure with `failOnError`.
 */
import type { Manifest } from './manifest.js';
import { pending, type FileEvent, type PlannedInput, type RunOptions, type WrittenRecord } from './run-types.js';

/** Collects a run's outcomes and reports each through `onProgress`. */
export class RunReport {
  readonly counts: Record<FileEvent['status'], number> = { ok: 0, skipped: 0, failed: 0, planned: 0 };
  /** Kept outcomes (all, or only failed ones with `keepFiles: false`). */
  readonly events: FileEvent[] = [];
  /** Files written. */
  outputs = 0;
  /** Megapixels decoded. */
  megapixels = 0;
  /** With `failOnError`: the first failure's message. */
  firstError: string | undefined;
  readonly #options: RunOptions;
  readonly #manifest: Manifest;
  readonly #stop: AbortController;

  constructor(options: RunOptions, manifest: Manifest, stop: AbortController) {
    this.#options = options;
    this.#manifest = manifest;
    this.#stop = stop;
  }

  /** Counts and reports one outcome. */
  emit(e: FileEvent): void {
    this.counts[e.status]++;
    if (e.status === 'ok') this.outputs += e.outputs.length;
    if ((this.#options.keepFiles ?? true) || e.status === 'failed') this.events.push(e);
    this.#options.onProgress?.(e);
    if (e.status === 'failed' && this.#options.failOnError && this.firstError === undefined) {
      this.firstError = e.error;
      this.#stop.abort(new Error(e.error));
    }
  }

  /** An input whose outputs now exist: recorded in the manifest, then reported. */
  done(item: PlannedInput, records: WrittenRecord[], from: FileEvent['from'], t0: number, warning?: string): void {
    records.forEach((r, i) => this.#manifest.record(r.path, item.entry, { width: r.width, height: r.height, bytes: r.bytes, mtimeMs: r.mtimeMs }, item.outputs[i].path));
    this.emit({ type: 'file', input: item.file.path, outputs: records, status: 'ok', ...(from ? { from } : {}), ...(warning ? { warning } : {}), ms: Math.round(performance.now() - t0) });
  }

  /** An input that failed, with its one-line error. */
  failed(item: PlannedInput, error: string, t0: number): void {
    this.emit({ type: 'file', input: item.file.path, outputs: item.outputs.map(pending), status: 'failed', error, ms: Math.round(performance.now() - t0) });
  }
}
