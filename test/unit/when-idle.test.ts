/** whenIdle runs main-thread work in the event loop's idle time, and only there. */
import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { whenIdle } from '../../dist/src/runs/when-idle.js';

/** Keeps the event loop busy for `ms`: spins in slices of 5 ms, yielding between them only through setImmediate. */
function busyFor(ms: number): Promise<number> {
  const end = performance.now() + ms;
  return new Promise((resolve) => {
    const slice = (): void => {
      const stop = Math.min(end, performance.now() + 5);
      while (performance.now() < stop) { /* spin */ }
      if (performance.now() < end) setImmediate(slice);
      else resolve(performance.now());
    };
    slice();
  });
}

describe('whenIdle', () => {
  it('runs the task soon on an idle loop', async () => {
    const t0 = performance.now();
    let ranAt = 0;
    whenIdle(() => { ranAt = performance.now(); });
    await sleep(100);
    expect(ranAt).toBeGreaterThan(t0);
    expect(ranAt - t0).toBeLessThan(60);
  });

  it('waits while the loop is busy, and runs the task once it is idle', async () => {
    let ranAt = 0;
    whenIdle(() => { ranAt = performance.now(); });
    const busyEnd = await busyFor(80);
    await sleep(60);
    expect(ranAt).toBeGreaterThanOrEqual(busyEnd - 6); // at most the sample that saw the loop go idle
  });

  it('never runs a cancelled task, nor one whose patience ran out while the loop was busy', async () => {
    let cancelled = false;
    let impatient = false;
    whenIdle(() => { cancelled = true; }).cancel();
    whenIdle(() => { impatient = true; }, 20);
    await busyFor(80);
    await sleep(60);
    expect(cancelled).toBe(false);
    expect(impatient).toBe(false);
  });
});
