/**
 * Threads for libvips' AVIF encoder. libvips gives aom, when a save starts, as
 * many threads as its process-wide concurrency, which tilepipe keeps at one
 * thread per image (exec/sharp-settings.ts). An AVIF encode is by far the
 * slowest step of most chains (a 6 MP photo: ~20 s on one thread on this
 * project's VM), so on one thread it left cores idle in a single-image run and
 * at a batch's end. Every AVIF encode sets the concurrency to
 * {@link AVIF_THREADS} as it starts (an engine created meanwhile sets it back
 * to 1); the last one to end puts back what was there before the first,
 * unless something else has changed it since. The count is per JavaScript
 * context while the concurrency is per process: with tilepipe in several
 * worker threads, either order of ending leaves what the first found. An
 * encode that never ends (a hung libvips, abandoned at its deadline) keeps
 * the concurrency raised.
 *
 * The number is a constant, not the cores free at the time: aom's output
 * depends on its thread count, and an image must give the same bytes alone as
 * in a batch, on a laptop as on a server (up to that many cores).
 */
import sharp from './sharp.js';
import type { OutputFormat } from '../model/options.js';

/** aom's threads for every AVIF encode (more threads than cores cost no extra CPU, measured). */
export const AVIF_THREADS = 8;

let avifEncodes = 0;
let before = 1;

/** Runs `encode` (a sharp pipeline's toFile or toBuffer) with {@link AVIF_THREADS} libvips threads if it writes AVIF. */
export async function withEncoderThreads<T>(format: OutputFormat, encode: () => Promise<T>): Promise<T> {
  if (format !== 'avif') return encode();
  if (avifEncodes++ === 0) before = sharp.concurrency();
  sharp.concurrency(AVIF_THREADS);
  try {
    return await encode();
  } finally {
    if (--avifEncodes === 0 && sharp.concurrency() === AVIF_THREADS) sharp.concurrency(before);
  }
}
