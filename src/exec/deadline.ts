import { TimeoutError } from '../model/errors.js';

/**
 * Deadlines for work that may never end by itself: a read from a hung file
 * system, a libvips decode that ignores its timeout (an SVG filter bomb). The
 * caller stops waiting when the deadline passes; the abandoned work is counted
 * until it settles, so that the CLI can tell whether exiting would wait on it.
 */

let abandoned = 0;

/** How much abandoned work is still running (see {@link withDeadline}). */
export function abandonedWork(): number {
  return abandoned;
}

/** A signal that aborts after `ms` with the error `timed out after <ms> ms`; `clear()` stops its timer. */
export function deadlineSignal(ms: number): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new TimeoutError(`timed out after ${ms} ms`)), ms);
  timer.unref();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

/**
 * `work`, or a rejection with `signal.reason` as soon as `signal` aborts,
 * whichever comes first. `what` is added to the reason (`… while decoding`).
 */
export function withDeadline<T>(work: Promise<T>, signal: AbortSignal | undefined, what?: string): Promise<T> {
  if (!signal) return work;
  const reason = (): unknown => {
    const r = signal.reason as unknown;
    return what && r instanceof TimeoutError ? new TimeoutError(`${r.message} while ${what}`) : r;
  };
  if (signal.aborted) {
    abandon(work);
    return Promise.reject(reason());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      abandon(work);
      reject(reason());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

function abandon(work: Promise<unknown>): void {
  abandoned++;
  work.then(() => abandoned--, () => abandoned--);
}
