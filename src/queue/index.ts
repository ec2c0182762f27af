/**
 * `tilepipe/queue`: the pipeline on a BullMQ job queue (Redis). Images are
 * the unit of distribution; tiles stay inside a machine. See docs/queue.md.
 * @packageDocumentation
 */
import '../io/malloc-at-load.js';
export { enqueue, type Batch, type EnqueueOptions } from './enqueue.js';
export { createWorker, type QueueWorker, type WorkerOptions } from './worker.js';
export { drainQueue, queueStatus, retryFailed, type QueueAddress, type QueueStatus } from './admin.js';
export { DEFAULT_QUEUE, DEFAULT_REDIS_URL, redactUrl } from './connection.js';
export type { ImageJob, ImageJobResult } from './job.js';
