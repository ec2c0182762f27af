/**
 * The piscina worker entry: runs one tile stage over one tile and transfers
 * the result buffer back.
 */
import { getHeapStatistics } from 'node:v8';
import { workerData } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type * as PiscinaModule from 'piscina';
import { createRegistry, type OpRegistry } from '../../plan/registry.js';
import { executeTile, type TileResult, type TileTask } from './executor.js';
import { deflateBand, type DeflateTask } from '../../io/png/deflate.js';
import { simdAvailable } from '../../kernels/simd.js';

// piscina (CommonJS, already loaded in this thread) through require(): through the ESM loader it would be parsed again.
const { Piscina } = createRequire(import.meta.url)('piscina') as typeof PiscinaModule;
// The kernels' module compiles while the thread starts, which overlaps the first image's read and decode.
simdAvailable();

/** The message of a tile task (re-exported for the CommonJS entry, tile-worker-entry.cts). */
export type TileTaskMessage = TileTask;
/** The message of a deflate task. */
export type DeflateTaskMessage = DeflateTask;

const registries = new Map<string, Promise<OpRegistry>>();

function registryFor(plugins: readonly string[]): Promise<OpRegistry> {
  const key = plugins.join('\n');
  let reg = registries.get(key);
  if (!reg) {
    reg = createRegistry(plugins);
    registries.set(key, reg);
  }
  return reg;
}

/** Exit code of a worker that held more than its memory budget after a task (see `TilePool`). */
export const OUT_OF_MEMORY_EXIT = 75;

const memoryMb = (workerData as { memoryMb?: number } | null)?.memoryMb ?? Infinity;

/**
 * Ends this thread if, besides `keep` bytes on their way out, it still holds
 * more than its budget: a kernel that leaks. The pool fails the task with
 * "worker out of memory" and starts a fresh thread.
 */
function checkMemory(keep: number): void {
  const s = getHeapStatistics();
  if ((s.used_heap_size + s.external_memory - keep) / 1048576 > memoryMb) process.exit(OUT_OF_MEMORY_EXIT);
}

/** Processes one tile; the output buffer (and the spent input buffer) are moved, not copied, back to the coordinator. */
export default async function processTile(task: TileTask): Promise<TileResult | object> {
  const result = executeTile(task, await registryFor(task.plugins));
  const transfer = [result.buffer, result.spare].filter((b): b is ArrayBuffer => b !== undefined);
  checkMemory(transfer.reduce((n, b) => n + b.byteLength, 0));
  return transfer.length > 0 ? moving(result, ...transfer) : result;
}

/** Deflates one band of a parallel PNG encode (piscina task name `deflate`); the deflated bytes are moved back. */
export function deflate(task: DeflateTask): object {
  const result = deflateBand(task);
  return moving(result, result.data);
}

/** `value`, marked so that piscina transfers `buffers` back instead of cloning them. */
function moving(value: object, ...buffers: ArrayBuffer[]): object {
  const transfer = buffers;
  // A Transferable wrapper marked movable by Piscina.move(): the buffer goes back in the transfer list.
  return Piscina.move({
    get [Piscina.transferableSymbol]() {
      return transfer;
    },
    get [Piscina.valueSymbol]() {
      return value;
    },
  } as never);
}
