/** Looking after a queue: counts (also per batch), re-queueing failed jobs, emptying it. */
import { Queue } from 'bullmq';
import { DEFAULT_QUEUE, redisConnection, redisUrl } from './connection.js';
import type { ImageJob } from './job.js';

/** Where the queue is. */
export interface QueueAddress {
  readonly redis?: string;
  readonly queue?: string;
}

/** Job counts of a queue, in total and per batch (of the jobs Redis still keeps). */
export interface QueueStatus {
  readonly queue: string;
  readonly waiting: number;
  readonly active: number;
  readonly completed: number;
  readonly failed: number;
  readonly delayed: number;
  readonly batches: Record<string, { waiting: number; active: number; completed: number; failed: number }>;
}

async function withQueue<T>(address: QueueAddress, work: (q: Queue<ImageJob>) => Promise<T>): Promise<T> {
  const queue = new Queue<ImageJob>(address.queue ?? DEFAULT_QUEUE, { connection: redisConnection(redisUrl(address.redis)) });
  queue.on('error', () => {});
  try {
    return await work(queue);
  } finally {
    await queue.close();
  }
}

/** Counts the queue's jobs by state, and per batch. */
export function queueStatus(address: QueueAddress = {}): Promise<QueueStatus> {
  return withQueue(address, async (q) => {
    const c = await q.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized');
    const batches: QueueStatus['batches'] = {};
    for (const state of ['waiting', 'active', 'completed', 'failed'] as const) {
      for (const job of await q.getJobs([state])) {
        const b = (batches[job.data?.batch ?? '?'] ??= { waiting: 0, active: 0, completed: 0, failed: 0 });
        b[state]++;
      }
    }
    return {
      queue: q.name, waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, completed: c.completed ?? 0,
      failed: c.failed ?? 0, delayed: c.delayed ?? 0, batches,
    };
  });
}

/** Moves every failed job back to waiting; returns how many there were. */
export function retryFailed(address: QueueAddress = {}): Promise<number> {
  return withQueue(address, async (q) => {
    const failed = await q.getJobCountByTypes('failed');
    await q.retryJobs({ state: 'failed' });
    return failed;
  });
}

/** Removes every waiting and delayed job (active ones finish); returns how many were removed. */
export function drainQueue(address: QueueAddress = {}): Promise<number> {
  return withQueue(address, async (q) => {
    const n = await q.getJobCountByTypes('waiting', 'delayed', 'prioritized');
    await q.drain(true);
    return n;
  });
}
