/**
 * Main-thread work that a run will need later, done while the main thread
 * would wait anyway: while libvips decodes and encodes on libuv's threads,
 * the event loop sits idle. (Node has no requestIdleCallback.)
 */
import { performance } from 'node:perf_hooks';

/** How often the event loop's use is sampled, in ms. */
const SAMPLE_MS = 2;

/**
 * Runs `task` once the event loop was idle for three quarters of a {@link SAMPLE_MS}
 * sample, or never if that does not happen within `patienceMs` (the caller
 * then does the work when it needs it). `cancel()` stops the wait.
 */
export function whenIdle(task: () => void, patienceMs = 2000): { cancel(): void } {
  let last = performance.eventLoopUtilization();
  const deadline = performance.now() + patienceMs;
  let timer: NodeJS.Timeout | undefined;
  const sample = (): void => {
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    timer = undefined;
    if (busy < 0.25) task();
    else if (performance.now() < deadline) timer = setTimeout(sample, SAMPLE_MS).unref();
  };
  timer = setTimeout(sample, SAMPLE_MS).unref();
  return { cancel: () => clearTimeout(timer) };
}
