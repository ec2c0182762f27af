/**
 * Where a run's idle core time comes from: runs one workload's chain over its
 * inputs in this process (as bench/run-one.ts does, after a warm-up image) and
 * samples the state of every thread of the process from /proc every 5 ms.
 * A core can only idle while fewer than two threads (of this process, on two
 * cores) are runnable; the report counts the samples by how many were, and
 * lists those with fewer than two, with their time and the runnable threads'
 * names. Linux only.
 *
 * Run: `npm run build && node dist/bench/thread-states.js [--workload photos] [--workers 2] [--quick]`
 * (`--quick`: the benchmark's small inputs).
 * The sampler runs on the main thread and is itself runnable while it samples:
 * it is not counted. It costs the main thread about 2 % of a core.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { tuneMalloc } from '../src/io/malloc-tuning.js';
import type { ChainStep } from '../src/plan/chain.js';
import { optionValue as option } from './rounds.js';
import { WORKLOAD_NAMES, prepareInputs, workloads, type WorkloadName } from './suite.js';

const name = (option('--workload') ?? 'photos') as WorkloadName;
const workers = Number(option('--workers') ?? 2);
if (!WORKLOAD_NAMES.includes(name) || !Number.isInteger(workers) || workers < 1 || process.platform !== 'linux') {
  process.stderr.write(`usage (Linux): node dist/bench/thread-states.js [--workload ${WORKLOAD_NAMES.join('|')}] [--workers N] [--quick]\n`);
  process.exit(2);
}
tuneMalloc(); // before sharp loads, as the bench's tilepipe runs do
const { createPipeline } = await import('../src/pipeline.js');
const workload = workloads({ quick: process.argv.includes('--quick'), scale: 1 }).find((w) => w.name === name)!;
const { files, warm } = await prepareInputs(workload, (s) => process.stderr.write(`${s}\n`));
/** The workload's op strings, checked when the pipeline plans (as in run-one.ts). */
const ops = workload.ops as readonly ChainStep[];
const out = await mkdtemp(path.join(os.tmpdir(), 'tilepipe-thread-states-'));
const jobs = (inputs: readonly string[]): { input: string; outputs: { path: string; format: typeof workload.format }[] }[] =>
  inputs.map((input) => ({ input, outputs: [{ path: path.join(out, path.basename(input)), format: workload.format }] }));

/** Names of this process's runnable threads (state R), one entry per thread. */
function runnableThreads(): string[] {
  const names: string[] = [];
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      if (stat[close + 2] === 'R') names.push(stat.slice(stat.indexOf('(') + 1, close));
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return names;
}

const pipeline = createPipeline({ workers });
try {
  await pipeline.processFiles(jobs([warm]), { ops });
  const samples: { ms: number; runnable: string[] }[] = [];
  const t0 = performance.now();
  const timer = setInterval(() => samples.push({ ms: performance.now() - t0, runnable: runnableThreads() }), 5);
  const cpu0 = process.cpuUsage();
  await pipeline.processFiles(jobs(files), { ops });
  const wallMs = performance.now() - t0;
  clearInterval(timer);
  const cpu = process.cpuUsage(cpu0);
  const counts = new Map<number, number>();
  const short: string[] = [];
  for (const s of samples) {
    const others = s.runnable.length - 1; // the sampler itself is running
    counts.set(others, (counts.get(others) ?? 0) + 1);
    if (others < 2) short.push(`${s.ms.toFixed(0)} ms: ${others} (${s.runnable.join(', ')})`);
  }
  const lines = [
    `${name}, ${files.length} images, ${workers} workers: ${wallMs.toFixed(0)} ms, ${((cpu.user + cpu.system) / 1000 / wallMs).toFixed(2)} cores busy`,
    `samples by runnable threads (sampler excluded): ${[...counts].sort((a, b) => a[0] - b[0]).map(([n, c]) => `${n}: ${c}`).join(', ')} (of ${samples.length})`,
    `fewer than 2 runnable: ${short.length} (${((100 * short.length) / Math.max(1, samples.length)).toFixed(1)} %)`,
    ...short.map((s) => `  ${s}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await pipeline.close();
  await rm(out, { recursive: true, force: true });
}
