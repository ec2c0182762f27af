/**
 * The machine's own scaling ceiling right now: a pure-JS CPU loop on 1 thread,
 * then on n threads at once. On an idle machine with n real cores the
 * throughput ratio is close to n; shared cores, SMT siblings or other load
 * lower it, and no pipeline can scale beyond it.
 */
import { Worker } from 'node:worker_threads';

const LOOP = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (ms) => {
  const a = new Uint8Array(1 << 18);
  let rounds = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    for (let i = 0; i < a.length; i++) a[i] = (a[i] * 31 + i) & 255;
    rounds++;
  }
  parentPort.postMessage(rounds / (performance.now() - t0));
});`;

async function spin(threads: number, ms: number): Promise<number> {
  const workers = Array.from({ length: threads }, () => new Worker(LOOP, { eval: true }));
  try {
    const rates = await Promise.all(
      workers.map((w) => new Promise<number>((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
        w.postMessage(ms);
      })),
    );
    return rates.reduce((a, b) => a + b, 0);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Best throughput of `threads` busy JS threads ÷ best throughput of one (each the best of `tries`, so a disturbed try does not count). */
export async function cpuScaling(threads: number, ms = 250, tries = 2): Promise<number> {
  await spin(1, 50); // warm-up
  let one = 0;
  let many = 0;
  for (let t = 0; t < tries; t++) {
    one = Math.max(one, await spin(1, ms));
    many = Math.max(many, await spin(threads, ms));
  }
  return many / one;
}

/**
 * What a fresh 4 KB page costs here the first time it is touched (µs): one
 * byte written per page of a new 64 MB buffer, timed, divided by the minor
 * page faults it took; the median of `tries`. A VM can make this ten times
 * a bare-metal fault, and every pipeline that writes into new memory pays it.
 */
export function pageFaultMicros(tries = 3): number {
  const bytes = 64 << 20;
  const costs: number[] = [];
  for (let t = 0; t < tries; t++) {
    const faults0 = process.resourceUsage().minorPageFault;
    const t0 = performance.now();
    const b = Buffer.allocUnsafeSlow(bytes);
    for (let i = 0; i < bytes; i += 4096) b[i] = 1;
    const ms = performance.now() - t0;
    const faults = process.resourceUsage().minorPageFault - faults0;
    if (faults > 0) costs.push((ms * 1000) / faults);
  }
  costs.sort((a, b) => a - b);
  return costs.length > 0 ? costs[costs.length >> 1] : 0;
}
