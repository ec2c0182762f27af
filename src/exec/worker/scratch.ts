/**
 * Reusable scratch memory for one worker thread. Fresh multi-megabyte
 * buffers cost page faults and zeroing on every tile (measured: a fresh
 * 13 MB buffer takes 4 ms to fill when reused, 40–90 ms when new on this
 * VM), so the executor keeps its intermediate RGBA rasters here: two slots
 * used in turn (a kernel reads one and writes the other).
 */

/** Slots above this size are not kept: a huge tile allocates and frees its own. */
const MAX_KEPT_BYTES = 64 << 20;

/** Two reusable byte buffers, grown on demand. */
export class ScratchBuffers {
  readonly #slots: [ArrayBuffer | undefined, ArrayBuffer | undefined] = [undefined, undefined];

  /**
   * `bytes` bytes of slot 0 or 1, valid until the slot is asked for again. Their
   * contents are left over from earlier use: every kernel writes all of its output.
   */
  get(slot: 0 | 1, bytes: number): Uint8Array {
    if (bytes > MAX_KEPT_BYTES) return new Uint8Array(bytes);
    let buffer = this.#slots[slot];
    if (!buffer || buffer.byteLength < bytes) {
      buffer = new ArrayBuffer(Math.min(MAX_KEPT_BYTES, Math.ceil(bytes * 1.25)));
      this.#slots[slot] = buffer;
    }
    return new Uint8Array(buffer, 0, bytes);
  }
}
