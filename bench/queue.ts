/**
 * `npm run bench -- --workload queue`: the batch workload through the queue
 * (1 and 2 `tilepipe worker` processes, `-j 1` each, one local Redis) beside
 * local runs at `-j 1` and `-j 2`, each the median of `runs` after a warm-up,
 * interleaved. With taskset, 1-process runs are pinned to core 0 and each of
 * the 2 worker processes to its own core (libuv's decode/encode threads would
 * otherwise let a `-j 1` run use every core). Reports the per-job queue overhead, the 1 → 2 process
 * throughput ratio, and a model of 16 machines from the measured figures.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRedis } from './redis-server.js';
import { prepareInputs, workloads } from './suite.js';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'tilepipe.cjs');

/** Options of the queue benchmark. */
export interface QueueBenchOptions {
  readonly quick: boolean;
  readonly runs: number;
  readonly scale: number;
  readonly images?: number;
}

/** Its results, in seconds (medians) and derived figures. */
export interface QueueBenchReport {
  readonly jobs: number;
  readonly chain: string[];
  readonly local1: number;
  readonly local2: number;
  readonly queue1: number;
  readonly queue2: number;
  readonly overheadMsPerJob: number;
  readonly overheadShare: number;
  readonly throughputRatio: number;
  /** Modelled wall time on 16 machines of this kind (2 worker processes each), from the measured per-job times. */
  readonly model16Machines: number;
}

/** taskset, where the machine has it: each run is pinned to the cores it is meant to use (a 1-worker run to one core). */
const TASKSET = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** Spawns the CLI, on `cpus` (e.g. `0`, `0,1`) when taskset is there. */
function cli(args: string[], cpus: string): ChildProcess {
  const argv = [CLI, ...args];
  return TASKSET
    ? spawn('taskset', ['-c', cpus, process.execPath, ...argv], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CI: '1' } })
    : spawn(process.execPath, argv, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CI: '1' } });
}

function exec(args: string[], cpus: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = cli(args, cpus);
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve((performance.now() - t0) / 1000) : reject(new Error(`tilepipe ${args[0]} exited ${code}: ${err}`))));
  });
}

function worker(url: string, queue: string, root: string, cpu: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = cli(['worker', '--redis', url, '--queue', queue, '--root', root, '-j', '1'], cpu);
    let err = '';
    child.stderr!.on('data', (d) => { err += d; if (err.includes('taking jobs')) resolve(child); });
    child.on('exit', (code) => reject(new Error(`worker exited ${code}: ${err}`)));
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Runs the queue benchmark; throws if redis-server is missing. */
export async function queueBench(o: QueueBenchOptions, log: (s: string) => void): Promise<QueueBenchReport> {
  const w = workloads({ quick: o.quick, scale: o.scale, images: o.images }).find((x) => x.name === 'batch')!;
  const { files } = await prepareInputs(w, log);
  const inDir = path.dirname(files[0]);
  const redis = await startRedis();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'tilepipe-bench-queue-'));
  const times = { local1: [] as number[], local2: [] as number[], queue1: [] as number[], queue2: [] as number[] };
  const flags = [...w.ops.flatMap((op) => ['--op', op]), '--format', w.format];
  try {
    for (let rep = 0; rep <= o.runs; rep++) {
      log(`queue bench: repetition ${rep}${rep === 0 ? ' (warm-up)' : ''} of ${o.runs}`);
      const out = (name: string) => path.join(tmp, `${name}-${rep}`);
      const l1 = await exec([inDir, '-o', out('l1'), ...flags, '-j', '1', '--quiet'], '0');
      const l2 = await exec([inDir, '-o', out('l2'), ...flags, '-j', '2', '--quiet'], '0,1');
      const q = async (n: number): Promise<number> => {
        const name = `bench-${rep}-${n}`;
        const ws = await Promise.all(Array.from({ length: n }, (_, i) => worker(redis.url, name, '/', String(i))));
        try {
          return await exec(['enqueue', inDir, '-o', out(`q${n}`), ...flags, '--redis', redis.url, '--queue', name, '--wait', '--quiet'], n === 1 ? '0' : '0,1');
        } finally {
          await Promise.all(ws.map((c) => new Promise((r) => { c.removeAllListeners('exit'); c.once('exit', r); c.kill('SIGTERM'); })));
        }
      };
      const q1 = await q(1);
      const q2 = await q(2);
      if (rep > 0) {
        times.local1.push(l1); times.local2.push(l2); times.queue1.push(q1); times.queue2.push(q2);
      }
    }
  } finally {
    await redis.dispose();
    rmSync(tmp, { recursive: true, force: true });
  }
  const [local1, local2, queue1, queue2] = [median(times.local1), median(times.local2), median(times.queue1), median(times.queue2)];
  const jobs = files.length;
  const overheadMsPerJob = ((queue1 - local1) / jobs) * 1000;
  return {
    jobs, chain: w.ops, local1, local2, queue1, queue2,
    overheadMsPerJob, overheadShare: (queue1 - local1) / local1, throughputRatio: queue1 / queue2,
    model16Machines: queue2 / 16, // the 2-process rate of one machine, times 16 machines
  };
}

/** The report as markdown. */
export function queueMarkdown(r: QueueBenchReport): string {
  const s = (x: number): string => `${x.toFixed(2)} s`;
  return [
    `## Queue: ${r.jobs} images, \`${r.chain.join(' → ')}\`, one local Redis (medians)`,
    '',
    '| run | wall |', '|---|---:|',
    `| local -j 1 | ${s(r.local1)} |`, `| local -j 2 | ${s(r.local2)} |`,
    `| queue, 1 worker process (-j 1) | ${s(r.queue1)} |`, `| queue, 2 worker processes (-j 1 each) | ${s(r.queue2)} |`,
    '',
    `- Queue overhead (the enqueue command's start and planning included): ${r.overheadMsPerJob.toFixed(1)} ms per job, ${(r.overheadShare * 100).toFixed(1)} % of the local -j 1 run (target < 3 %).`,
    `- Throughput, 2 processes / 1 process: ${r.throughputRatio.toFixed(2)}× (target ≥ 1.8).`,
    `- Model, not a measurement: 16 machines like this one, 2 worker processes each, would take about ${s(r.model16Machines)} for these ${r.jobs} images (${(r.jobs / r.model16Machines).toFixed(1)} images/s), assuming Redis and the shared storage keep up.`,
    '',
  ].join('\n');
}
