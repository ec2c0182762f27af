/**
 * Enqueuing a folder run: the same validation and planning as a local run
 * (inputs, hashes, names, collisions), then one BullMQ job per input, with an
 * id derived from its content key so that enqueuing twice adds nothing. The
 * returned batch follows its jobs to the end and reports the same events and
 * summary as a local run.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Queue, QueueEvents, type Job } from 'bullmq';
import { Engine } from '../exec/engine.js';
import { formatOp } from '../plan/chain.js';
import { Manifest } from '../runs/manifest.js';
import { checkRunOptions, planRun } from '../runs/plan-run.js';
import { pending, type FileEvent, type RunOptions, type RunSummary } from '../runs/run-types.js';
import { DEFAULT_QUEUE, redisConnection, redisUrl } from './connection.js';
import { imageJob, jobIdOf, type ImageJob, type ImageJobResult } from './job.js';

/** Finished jobs kept in Redis (so that a re-enqueue of a finished batch adds nothing), by count and age. */
const KEEP = { count: 100_000, age: 7 * 24 * 3600 };

/** Options of {@link enqueue}: a folder run's, plus where the queue is. */
export interface EnqueueOptions extends Omit<RunOptions, 'dryRun' | 'onPlan' | 'failOnError' | 'keepFiles'> {
  readonly redis?: string;
  readonly queue?: string;
  /** Plugin modules, to validate the chain here (the workers load their own). */
  readonly plugins?: readonly string[];
  /** Called when the connection to Redis fails while following the batch (it is retried with a bounded back-off). */
  readonly onRedisError?: (err: Error) => void;
}

/** A batch on the queue. */
export interface Batch {
  readonly id: string;
  /** Jobs of this batch, and how many of them were new (the rest were already queued or done). */
  readonly jobs: number;
  readonly added: number;
  /** Inputs that failed before any job was made (unreadable, not a regular file, …). */
  readonly rejected: FileEvent[];
  /** Follows every job to its end; resolves with the summary of a local run (stop waiting with `signal`). */
  wait(signal?: AbortSignal): Promise<RunSummary>;
  /** Each input's event as its job ends, then the summary; aborting `signal` stops following (the jobs stay queued). */
  follow(signal?: AbortSignal): AsyncIterable<FileEvent | RunSummary>;
  /** The same as `follow()`. */
  [Symbol.asyncIterator](): AsyncIterator<FileEvent | RunSummary>;
  /** Closes the batch's Redis connections. */
  close(): Promise<void>;
}

/** How often a followed job's state is read again, in case its finish event was missed (ms). */
const RECHECK_MS = 3_000;

/**
 * The result of a job once it has finished (undefined if Redis no longer
 * keeps it: it finished long ago); throws its failure. Waits on the queue's
 * events, and reads the job's state again every few seconds, since an event
 * published while the listener was connecting is never delivered.
 */
async function finished(queue: Queue<ImageJob, ImageJobResult>, events: QueueEvents, jobId: string): Promise<ImageJobResult | undefined> {
  for (;;) {
    // The state first, then the job: a job read before it finished would carry no result.
    const state = await queue.getJobState(jobId);
    const job = (await queue.getJob(jobId)) as Job<ImageJob, ImageJobResult> | undefined;
    if (!job || state === 'unknown') return undefined;
    if (state === 'completed') return job.returnvalue;
    if (state === 'failed') throw new Error(job.failedReason);
    try {
      return (await job.waitUntilFinished(events, RECHECK_MS)) as ImageJobResult;
    } catch (err) {
      if (!/timed out before finishing/.test((err as Error).message)) throw err;
    }
  }
}

/** Plans the run, adds one job per input, and returns the batch. */
export async function enqueue(options: EnqueueOptions): Promise<Batch> {
  const checked = checkRunOptions(options as RunOptions);
  const connection = redisConnection(redisUrl(options.redis));
  const name = options.queue ?? DEFAULT_QUEUE;
  const engine = new Engine({ workers: 1, maxInFlight: 1, plugins: options.plugins ?? [], maxMemoryMb: 256, parallelPngMinPixels: false });
  const outDir = path.resolve(checked.cwd ?? process.cwd(), checked.outDir);
  const stop = new AbortController();
  let plan;
  let ops: string[];
  try {
    plan = await planRun(engine, checked, outDir, await Manifest.load(outDir), stop.signal);
    ops = (await engine.plan(checked.ops)).chain.map(formatOp);
  } finally {
    await engine.close();
  }
  const id = `b-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const queue = new Queue<ImageJob, ImageJobResult>(name, { connection });
  queue.setMaxListeners(0); // every job followed listens for the queue's closing
  queue.on('error', (err) => options.onRedisError?.(err));
  const jobs = plan.planned.map((item) => imageJob(id, outDir, ops, item));
  const ids = jobs.map(jobIdOf);
  const existing = new Set((await Promise.all(ids.map((j) => queue.getJob(j)))).filter((j) => j).map((j) => j!.id));
  await queue.addBulk(jobs.map((data, i) => ({
    name: 'image', data, opts: { jobId: ids[i], attempts: 1, removeOnComplete: KEEP, removeOnFail: KEEP },
  })));
  const rejected: FileEvent[] = plan.unreadable.map(({ file, error }) => ({ type: 'file', input: file.path, outputs: [], status: 'failed', error, ms: 0 }));
  let events: QueueEvents | undefined;

  const follow = async function* (signal?: AbortSignal): AsyncGenerator<FileEvent | RunSummary> {
    const start = performance.now();
    events ??= new QueueEvents(name, { connection });
    events.setMaxListeners(0);
    events.on('error', (err) => options.onRedisError?.(err));
    await events.waitUntilReady();
    const counts = { ok: 0, skipped: 0, failed: rejected.length, outputs: 0 };
    for (const e of rejected) yield e;
    const outcome = async (jobId: string, data: ImageJob): Promise<FileEvent> => {
      const t0 = performance.now();
      try {
        const result = await finished(queue, events!, jobId);
        const outputs = result?.outputs ?? data.outputs.map(pending);
        return { type: 'file', input: data.input, outputs, status: result?.status ?? 'skipped', ...(result?.warning ? { warning: result.warning } : {}), ms: Math.round(performance.now() - t0) };
      } catch (err) {
        const message = (err as Error).message;
        return { type: 'file', input: data.input, outputs: data.outputs.map(pending), status: 'failed', error: message.startsWith(data.input) ? message : `${data.input}: ${message}`, ms: Math.round(performance.now() - t0) };
      }
    };
    const waiting = new Map(ids.map((jobId, i) => [jobId, outcome(jobId, jobs[i]).then((e) => ({ jobId, e }))]));
    const aborted = new Promise<never>((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true }));
    while (waiting.size > 0) {
      const { jobId, e } = await Promise.race([...waiting.values(), ...(signal ? [aborted] : [])]);
      waiting.delete(jobId);
      counts[e.status === 'ok' ? 'ok' : e.status === 'skipped' ? 'skipped' : 'failed']++;
      if (e.status === 'ok') counts.outputs += e.outputs.length;
      yield e;
    }
    const wallMs = Math.round(performance.now() - start);
    yield {
      type: 'summary', ...counts, planned: 0, megapixels: 0, wallMs,
      imagesPerSecond: wallMs > 0 ? Math.round((counts.ok / wallMs) * 1e5) / 100 : 0, aborted: false, files: [],
    };
  };

  return {
    id, jobs: jobs.length, added: ids.filter((j) => !existing.has(j)).length, rejected,
    async wait(signal) {
      let summary: RunSummary | undefined;
      const files: FileEvent[] = [];
      for await (const e of follow(signal)) {
        if (e.type === 'summary') summary = e;
        else files.push(e);
      }
      return { ...summary!, files };
    },
    follow,
    [Symbol.asyncIterator]: () => follow(),
    async close() {
      await events?.close();
      await queue.close();
    },
  };
}
