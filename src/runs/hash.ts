/** Content hashes: of input files (streamed, regular files only, with a deadline), and short keys of option values. */
import { createHash } from 'node:crypto';
import { withDeadline } from '../exec/deadline.js';
import { openRegularFile } from '../io/read.js';

/**
 * SHA-256 (hex) of a regular file's content, streamed. Refuses FIFOs and
 * devices at once; gives up when `signal` aborts.
 */
export async function hashFile(file: string, signal?: AbortSignal): Promise<string> {
  const work = (async () => {
    const handle = await openRegularFile(file);
    const hash = createHash('sha256');
    try {
      for await (const chunk of handle.createReadStream({ autoClose: false, signal })) hash.update(chunk as Buffer);
    } finally {
      await handle.close();
    }
    return hash.digest('hex');
  })();
  return withDeadline(work, signal, 'hashing');
}

/** A short stable key for a JSON-serialisable value. */
export function keyOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}
