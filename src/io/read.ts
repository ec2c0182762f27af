/** Reading input files: regular files only, opened without blocking, with a deadline. */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { withDeadline } from '../exec/deadline.js';
import { problemOf } from '../runs/expand-inputs.js';
import type { BufferPool } from '../exec/buffer-pool.js';

/**
 * Opens a file for reading only if it is a regular file. The open does not
 * block on a FIFO (O_NONBLOCK), so a FIFO or a device among the inputs fails
 * at once with "not a regular file" instead of hanging the run.
 */
export async function openRegularFile(file: string): Promise<FileHandle> {
  return (await openRegular(file)).handle;
}

/** As {@link openRegularFile}, with the file's size from the same stat. */
async function openRegular(file: string): Promise<{ handle: FileHandle; size: number }> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = await handle.stat();
    const problem = problemOf('', stats);
    if (problem) throw new Error(problem);
    return { handle, size: stats.size };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** The size of a fresh input buffer that may be kept: `size` rounded up to a multiple of 1 MB (64 KB below 1 MB). */
function keptSize(size: number): number {
  const step = size >= 1 << 20 ? 1 << 20 : 1 << 16;
  return Math.max(step, Math.ceil(size / step) * step);
}

/**
 * Reads a whole regular file; gives up when `signal` aborts (a read that hangs
 * is abandoned). The file is read in one `read()` of its size where it can be:
 * every file operation is a job on the libuv pool, queued behind the pool's
 * decodes and encodes, so `readFile`'s 512 KB chunks would each wait their
 * turn (measured: the resize-only batch spent ~3× as long reading with 2
 * images decoding beside it). A file that grows after its size is taken is
 * read up to that size; one that shrinks, up to its end.
 *
 * With `buffers`, the file is read into a kept buffer when one fits: reading
 * each input into fresh memory costs its page faults and, with glibc's
 * allocator and libvips' threads, more (measured: sharp alone over 26 photos
 * from fresh buffers, 1.48–1.83 s and ~+400 ms of CPU, against 1.26–1.46 s
 * from reused ones, the same as from paths). The caller gives the buffer back
 * only once nothing reads it any more.
 */
export async function readInput(file: string, signal?: AbortSignal, buffers?: BufferPool): Promise<Buffer<ArrayBuffer>> {
  const read = (async () => {
    const { handle, size } = await openRegular(file);
    try {
      // Its own memory (never a shared pool slab), not zeroed: the read fills it. When it may be kept,
      // rounded up so that it fits files of about its size.
      const memory = buffers?.takeKept(size) ?? Buffer.allocUnsafeSlow(buffers ? keptSize(size) : size).buffer;
      const buffer = Buffer.from(memory, 0, size);
      let filled = 0;
      while (filled < size) {
        signal?.throwIfAborted();
        const { bytesRead } = await handle.read(buffer, filled, size - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return filled === size ? buffer : buffer.subarray(0, filled);
    } finally {
      // Not awaited: closing is one more pool job, and nothing depends on it.
      handle.close().catch(() => {});
    }
  })();
  return withDeadline(read, signal, 'reading');
}
