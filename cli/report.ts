/**
 * What the CLI prints. stdout carries data (output paths, or NDJSON events
 * with --json); stderr carries errors, progress (TTY only, not in CI) and the
 * summary.
 */
import path from 'node:path';
import type { FileEvent, RunSummary } from '../src/index.js';

/** How often the progress line is redrawn (ms): about 10 times a second, whatever the file rate. */
const REDRAW_MS = 100;

/** `m:ss` or `h:mm:ss`. */
function clock(secs: number): string {
  const s = Math.max(0, Math.round(secs));
  const hh = Math.floor(s / 3600), mm = Math.floor((s % 3600) / 60), ss = s % 60;
  return hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}:${String(ss).padStart(2, '0')}` : `${mm}:${String(ss).padStart(2, '0')}`;
}

/**
 * The progress line for a terminal `columns` wide: a bar, files done, ETA,
 * images/s, output MP/s and the last file finished, dropping the least
 * useful parts (then truncating) so that it never wraps.
 */
export function progressLine(p: { done: number; total: number; secs: number; megapixels: number; last: string }, columns: number): string {
  const room = Math.max(10, columns - 1);
  const rate = p.secs > 0 ? p.done / p.secs : 0;
  const eta = rate > 0 ? clock((p.total - p.done) / rate) : '?';
  const counts = `${p.done}/${p.total}`;
  const parts = [counts, `ETA ${eta}`, `${rate.toFixed(1)} img/s`, `${(p.secs > 0 ? p.megapixels / p.secs : 0).toFixed(1)} MP/s`, p.last];
  // The parts that fit, in order of use; then as wide a bar as the rest of the line allows.
  let text = parts[0];
  for (const part of parts.slice(1)) if (part && text.length + 2 + part.length <= room) text += `  ${part}`;
  const barWidth = Math.min(30, room - text.length - 3);
  if (barWidth >= 5) {
    const filled = p.total > 0 ? Math.round((p.done / p.total) * barWidth) : 0;
    text = `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${text}`;
  }
  return text.length > room ? text.slice(0, room) : text;
}

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
  #megapixels = 0;
  #last = '';
  #timer: NodeJS.Timeout | undefined;

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
    if (this.#o.progress && total > 0 && !this.#timer) {
      this.#timer = setInterval(() => this.#drawProgress(), REDRAW_MS);
      this.#timer.unref();
    }
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
    const first = e.outputs[0];
    if (e.status === 'ok' && first?.width && first.height) this.#megapixels += (first.width * first.height) / 1e6;
    this.#last = path.basename(e.input);
    // Drawn by the timer, not here: a run of many quick (skipped) files does not flood the terminal.
  }

  #drawProgress(): void {
    if (!this.#o.progress || this.#total === 0 || this.#stdoutClosed) return;
    const secs = (performance.now() - this.#start) / 1000;
    const line = progressLine({ done: this.#done, total: this.#total, secs, megapixels: this.#megapixels, last: this.#last }, process.stderr.columns || 80);
    process.stderr.write(`\r${line}\u001b[K`);
    this.#progressShown = true;
  }

  #clearProgress(): void {
    if (this.#progressShown) process.stderr.write('\r\u001b[2K');
    this.#progressShown = false;
  }

  /** Prints the summary: an NDJSON line with --json, and (unless --quiet) a line on stderr. */
  summary(s: RunSummary): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#clearProgress();
    if (this.#o.json) {
      const { files: _files, ...totals } = s; // the file lines came before
      this.#out(`${JSON.stringify(totals)}\n`);
    }
    if (this.#o.quiet) return;
    for (const p of s.pruned ?? []) process.stderr.write(`${this.#o.dryRun ? 'would prune' : 'pruned'}: ${p} (its input is gone)\n`);
    const parts = this.#o.dryRun
      ? [`dry run: ${s.planned} to process`, `${s.skipped} up to date`, `${s.failed} failed`, 'nothing written']
      : [
          paint(this.#o.color, 32, `${s.ok} ok`),
          `${s.skipped} skipped`,
          s.failed ? paint(this.#o.color, 31, `${s.failed} failed`) : '0 failed',
          `${s.outputs} files written`,
          ...(s.pruned ? [`${s.pruned.length} pruned`] : []),
          `${s.megapixels.toFixed(1)} MP`,
          `${(s.wallMs / 1000).toFixed(2)} s`,
          `${s.imagesPerSecond.toFixed(2)} images/s`,
        ];
    process.stderr.write(`tilepipe: ${parts.join(', ')}${s.aborted ? ' (interrupted)' : ''}\n`);
  }
}
