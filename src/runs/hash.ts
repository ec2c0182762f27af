/** Content hashes: of input files (read in chunks, regular files only, with a deadline), and short keys of option values. */
import { createHash } from 'node:crypto';
import { withDeadline } from '../exec/deadline.js';
import { openRegularFile } from '../io/read.js';

/** Bytes read per call while hashing. */
const CHUNK_BYTES = 1 << 20;
/** Spent read buffers, reused: a fresh buffer per chunk (as a read stream allocates) cost more than hashing it. */
const spareChunks: Buffer[] = [];

/**
 * SHA-256 (hex) of a regular file's content, read a chunk at a time into a
 * reused buffer. Refuses FIFOs and devices at once; gives up when `signal`
 * aborts.
 */
export async function hashFile(file: string, signal?: AbortSignal): Promise<string> {
  const work = (async () => {
    const handle = await openRegularFile(file);
    const hash = createHash('sha256');
    const chunk = spareChunks.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES);
    try {
      for (;;) {
        signal?.throwIfAborted();
        const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, null);
        if (bytesRead === 0) break;
        hash.update(chunk.subarray(0, bytesRead));
      }
    } finally {
      // Back to the spares only once no read is writing into it (an abandoned hash keeps it until its read ends).
      if (spareChunks.length < 8) spareChunks.push(chunk);
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
