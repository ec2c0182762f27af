/**
 * Guards around one image: its signal (the caller's plus the per-image
 * deadline), and the check of every stage's planned size against the pixel
 * limit before anything is decoded.
 */
import { setMaxListeners } from 'node:events';
import type { ImageSize } from '../model/op.js';
import type { OpInstance } from '../plan/chain.js';
import type { Stage } from '../plan/plan.js';
import { DEFAULT_LIMIT_INPUT_PIXELS } from '../io/decode.js';
import { deadlineSignal } from './deadline.js';
import { InputError, TimeoutError } from '../model/errors.js';

/**
 * Runs `work` under one image's signal: the caller's, plus `timeout`
 * (ms). A rejection caused by either becomes that signal's reason (the
 * caller's own, or "timed out after N ms ...").
 */
export async function withImageSignal<T>(timeout: number | undefined, signal: AbortSignal | undefined, work: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
  const deadline = timeout === undefined ? undefined : deadlineSignal(timeout);
  const sources = [signal, deadline?.signal].filter((s): s is AbortSignal => s !== undefined);
  const imageSignal = sources.length === 0 ? undefined : sources.length === 1 ? sources[0] : AbortSignal.any(sources);
  if (imageSignal) setMaxListeners(0, imageSignal); // every tile in flight listens to it
  try {
    return await work(imageSignal);
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    if (deadline?.signal.aborted) {
      const reason = deadline.signal.reason as Error;
      throw err instanceof TimeoutError ? err : new TimeoutError(`${reason.message} while processing`);
    }
    throw err;
  } finally {
    deadline?.clear();
  }
}

/**
 * Checks the size every stage will produce, planned from the header, against
 * the pixel limit: a tiny input that a geometry op would blow up fails before
 * any memory is spent, naming the op. Returns the largest planned size.
 */
export function checkPlannedSizes(limitInputPixels: number | false | undefined, input: ImageSize, onLoad: OpInstance | undefined, stages: readonly Stage[]): number {
  const limit = limitInputPixels === undefined ? DEFAULT_LIMIT_INPUT_PIXELS : limitInputPixels;
  let size = input;
  let largest = size.width * size.height;
  const ops = [...(onLoad ? [onLoad] : []), ...stages.flatMap((s) => (s.kind === 'geometry' ? s.ops : []))];
  for (const inst of ops) {
    if (inst.def.kind !== 'geometry' || !inst.def.size) continue;
    size = inst.def.size(inst.params as never, size);
    const pixels = size.width * size.height;
    largest = Math.max(largest, pixels);
    if (limit !== false && pixels > limit) {
      throw new InputError(`${inst.def.name} would make the image ${size.width}x${size.height} (${(pixels / 1e6).toFixed(0)} MP), over the pixel limit of ${limit} (limitInputPixels)`);
    }
  }
  return largest;
}
