/**
 * What the CLI prints. stdout carries data (output paths, or NDJSON events
 * with --json); stderr carries errors, progress (TTY only, not in CI) and the
 * summary.
 */
import type { FileEvent, RunSummary } from '../src/index.js';

/** How to report. */
export interface ReporterOptions {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly color: boolean;
  readonly progress: boolean;
  readonly dryRun: boolean;
}

const paint = (on: boolean, code: number, s: string): string => (on ? `\u001b[${code}m${s}\u001b[0m` : s);

/** Prints events, progress and the summary. */
export class Reporter {
  readonly #o: ReporterOptions;
  #total = 0;
  #done = 0;
  #start = performance.now();
  #progressShown = false;
  #stdoutClosed = false;

  constructor(options: ReporterOptions) {
    this.#o = options;
  }

  /** Whether stderr gets a progress bar: a TTY, not CI, not quiet. */
  static wantsProgress(quiet: boolean): boolean {
    return Boolean(process.stderr.isTTY) && !process.env.CI && !quiet;
  }

  /** Whether colour is on: a TTY, NO_COLOR unset, and not --no-color. */
  static wantsColor(flag: boolean): boolean {
    return flag && Boolean(process.stderr.isTTY) && !('NO_COLOR' in process.env);
  }

  /** Stops writing to stdout (it was closed: `| head`), and stops the summary. */
  stdoutClosed(): void {
    this.#stdoutClosed = true;
  }

  #out(text: string): void {
    if (!this.#stdoutClosed) process.stdout.write(text);
  }

  /** Records how many inputs the run has. */
  plan(total: number): void {
    this.#total = total;
    this.#start = performance.now();
  }

  /** Reports one input's outcome. */
  file(e: FileEvent): void {
    this.#clearProgress();
    if (this.#o.json) {
      this.#out(`${JSON.stringify(e)}\n`);
    } else if (e.status === 'ok' || e.status === 'planned') {
      for (const out of e.outputs) this.#out(`${out.path}\n`);
    }
    if (this.#stdoutClosed) return;
    if (e.status === 'failed') process.stderr.write(`${paint(this.#o.color, 31, 'error')}: ${e.error}\n`);
    if (e.warning && !this.#o.quiet) process.stderr.write(`${paint(this.#o.color, 33, 'warning')}: ${e.warning}\n`);
    this.#done++;
    this.#drawProgress();
  }

  #drawProgress(): void {
    if (!this.#o.progress || this.#total === 0) return;
    const width = 30;
    const filled = Math.round((this.#done / this.#total) * width);
    const secs = (performance.now() - this.#start) / 1000;
    const rate = secs > 0 ? (this.#done / secs).toFixed(1) : '0';
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.#done}/${this.#total} files, ${rate} img/s`);
    this.#progressShown = true;
  }

  #clearProgress(): void {
    if (this.#progressShown) process.stderr.write('\r\u001b[2K');
    this.#progressShown = false;
  }

  /** Prints the summary: an NDJSON line with --json, and (unless --quiet) a line on stderr. */
  summary(s: RunSummary): void {
    this.#clearProgress();
    if (this.#o.json) {
      const { files: _files, ...totals } = s; // the file lines came before
      this.#out(`${JSON.stringify(totals)}\n`);
    }
    if (this.#o.quiet) return;
    const parts = this.#o.dryRun
      ? [`dry run: ${s.planned} to process`, `${s.skipped} up to date`, `${s.failed} failed`, 'nothing written']
      : [
          paint(this.#o.color, 32, `${s.ok} ok`),
          `${s.skipped} skipped`,
          s.failed ? paint(this.#o.color, 31, `${s.failed} failed`) : '0 failed',
          `${s.outputs} files written`,
          `${s.megapixels.toFixed(1)} MP`,
          `${(s.wallMs / 1000).toFixed(2)} s`,
          `${s.imagesPerSecond.toFixed(2)} images/s`,
        ];
    process.stderr.write(`tilepipe: ${parts.join(', ')}${s.aborted ? ' (interrupted)' : ''}\n`);
  }
}
