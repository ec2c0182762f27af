/**
 * A queue worker: takes image jobs from BullMQ and runs each through the same
 * engine as a local run (tile workers, memory budget, atomic writes), records
 * its outputs in the out-dir's manifest, and refuses any job whose paths lie
 * outside its roots (job data comes from the network).
 *
 * Delivery is at-least-once: a job whose worker died (kill -9) is moved back
 * to waiting by BullMQ's stalled-job check and redone; the redo writes the
 * same bytes atomically, after sweeping the dead process's temp files. A bad
 * image fails its job once (UnrecoverableError): it is not retried.
 */
import type { ChainStep } from '../plan/chain.js';
import os from 'node:os';
import path from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Engine } from '../exec/engine.js';
import { defaultMemoryBudgetMb } from '../exec/memory-budget.js';
import { inside, removeStaleTemps, resolveExisting } from '../io/atomic-write.js';
import { defaultParallelPngMinPixels } from '../io/png/encoder.js';
import { ValidationError } from '../model/errors.js';
import { Manifest } from '../runs/manifest.js';
import { DEFAULT_QUEUE, redisConnection, redisUrl } from './connection.js';
import type { ImageJob, ImageJobResult } from './job.js';

/** Options of {@link createWorker}. */
export interface WorkerOptions {
  /** Redis URL (default: `TILEPIPE_REDIS_URL`, else redis://127.0.0.1:6379). */
  readonly redis?: string;
  /** Queue name (default `tilepipe`). */
  readonly queue?: string;
  /** Tile worker threads (default: available cores). */
  readonly workers?: number;
  /** Images processed at once (default: workers + 1, as a local run's run-ahead). */
  readonly concurrency?: number;
  /** Folders jobs may read from and write into (default: the working folder). */
  readonly roots?: readonly string[];
  /** Plugin modules whose operations jobs may use. */
  readonly plugins?: readonly string[];
  /** Milliseconds a job's lock lasts without renewal before it counts as stalled (default 30 000, as BullMQ). */
  readonly lockMs?: number;
  /** Called when the connection to Redis fails (it is retried with a bounded back-off), e.g. to log it. */
  readonly onRedisError?: (err: Error) => void;
  /** Called once per finished job, e.g. to log it. */
  readonly onJob?: (job: ImageJob, outcome: ImageJobResult | Error) => void;
}

/** A running worker. */
export interface QueueWorker {
  /** Stops taking jobs, finishes the active ones, saves the manifests, ends the tile workers. */
  close(): Promise<void>;
}

/** Throws an UnrecoverableError unless the job is well-formed and every path is inside a root. */
async function confine(data: ImageJob, roots: readonly string[]): Promise<void> {
  const ok = typeof data?.input === 'string' && typeof data.outDir === 'string' && Array.isArray(data.outputs) && Array.isArray(data.ops) &&
    typeof data.entry?.inputHash === 'string' && data.outputs.every((o) => typeof o?.path === 'string' && typeof o.format === 'string');
  if (!ok) throw new UnrecoverableError('refused: malformed job data');
  for (const p of [data.input, data.outDir, ...data.outputs.map((o) => o.path)]) {
    const real = await resolveExisting(path.resolve(p));
    if (!roots.some((r) => inside(r, real))) throw new UnrecoverableError(`refused: ${p} is outside the worker's roots (${roots.join(', ')})`);
  }
  for (const o of data.outputs) {
    if (!inside(path.resolve(data.outDir), path.resolve(o.path))) throw new UnrecoverableError(`refused: ${o.path} is outside the job's out-dir`);
  }
}

/** Starts a worker on the queue. */
export async function createWorker(options: WorkerOptions = {}): Promise<QueueWorker> {
  const connection = redisConnection(redisUrl(options.redis));
  const workers = options.workers ?? os.availableParallelism();
  const concurrency = options.concurrency ?? workers + 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new ValidationError(`concurrency must be a positive integer, got ${JSON.stringify(concurrency)}`);
  const roots = await Promise.all((options.roots?.length ? options.roots : [process.cwd()]).map((r) => resolveExisting(path.resolve(r))));
  const engine = new Engine({
    workers, maxInFlight: concurrency, plugins: options.plugins ?? [], maxMemoryMb: defaultMemoryBudgetMb(), parallelPngMinPixels: defaultParallelPngMinPixels(workers),
  });
  await engine.registry(); // an unloadable plugin fails here, before any job is taken
  const manifests = new Map<string, Promise<Manifest>>();
  const manifestOf = (dir: string): Promise<Manifest> => {
    let m = manifests.get(dir);
    if (!m) manifests.set(dir, (m = Manifest.load(dir)));
    return m;
  };

  const processJob = async (job: Job<ImageJob>): Promise<ImageJobResult> => {
    const data = job.data;
    await confine(data, roots);
    const manifest = await manifestOf(path.resolve(data.outDir));
    const sizes = await Promise.all(data.outputs.map((o) => manifest.upToDate(o.path, data.entry, o.path === data.input)));
    if (sizes.every(Boolean)) return { status: 'skipped', outputs: data.outputs.map((o, i) => ({ path: o.path, format: o.format, ...sizes[i] })) };
    // A job redone after its worker died: sweep the temp files that worker left.
    if (job.attemptsStarted > 1 || job.stalledCounter > 0) {
      for (const dir of new Set(data.outputs.map((o) => path.dirname(o.path)))) await removeStaleTemps(dir);
    }
    const [result] = await engine.processFiles([{ input: data.input, outputs: data.outputs.map((o) => ({ ...o, within: data.outDir })) }], { ops: data.ops as readonly ChainStep[] }); // text from the job: the engine checks every step when it plans
    if (result.status !== 'ok') throw new UnrecoverableError(result.error ?? `${data.input}: failed`);
    result.outputs.forEach((o, i) => manifest.record(o.path, data.entry, { width: o.width, height: o.height, bytes: o.bytes, mtimeMs: o.mtimeMs }, data.outputs[i].path));
    return { status: 'ok', outputs: result.outputs, ...(result.warning ? { warning: result.warning } : {}) };
  };

  const worker = new Worker<ImageJob, ImageJobResult>(options.queue ?? DEFAULT_QUEUE, processJob, {
    connection, concurrency, autorun: true,
    ...(options.lockMs ? { lockDuration: options.lockMs, stalledInterval: options.lockMs } : {}),
  });
  worker.on('completed', (job, result) => options.onJob?.(job.data, result));
  worker.on('failed', (job, err) => { if (job) options.onJob?.(job.data, err); });
  worker.on('error', (err) => options.onRedisError?.(err)); // ioredis reconnects with a bounded back-off
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close();
      for (const m of manifests.values()) await (await m).save().catch(() => {});
      await engine.close();
    },
  };
}
