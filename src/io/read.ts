/** Reading input files: regular files only, opened without blocking, with a deadline. */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { withDeadline } from '../exec/deadline.js';
import { problemOf } from '../runs/expand-inputs.js';

/**
 * Opens a file for reading only if it is a regular file. The open does not
 * block on a FIFO (O_NONBLOCK), so a FIFO or a device among the inputs fails
 * at once with "not a regular file" instead of hanging the run.
 */
export async function openRegularFile(file: string): Promise<FileHandle> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const problem = problemOf('', await handle.stat());
    if (problem) throw new Error(problem);
    return handle;
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** Reads a whole regular file; gives up when `signal` aborts (a read that hangs is abandoned). */
export async function readInput(file: string, signal?: AbortSignal): Promise<Buffer> {
  const read = (async () => {
    const handle = await openRegularFile(file);
    try {
      return await handle.readFile({ signal });
    } finally {
      await handle.close();
    }
  })();
  return withDeadline(read, signal, 'reading');
}
