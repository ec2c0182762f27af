/**
 * A few reusable ArrayBuffers. Tile buffers move between the main thread and
 * the workers; fresh ones cost a page fault per 4 KB on first touch (on this
 * project's 2-core VM, 3–10 ms per tile-sized buffer, more than the copy
 * itself), so spent buffers travel back and are cut into again: the
 * coordinator cuts tiles into buffers the workers hand back, and the workers
 * write results into buffers the coordinator hands back. A stage's fresh
 * tile buffers all have its largest tile's size, so that edge tiles reuse them
 * too; with exact sizes the pool filled with edge-tile buffers and missed (156
 * fresh tile buffers on the photos bench, 33 now). The engine keeps spent
 * input buffers the same way (io/read.ts).
 */

/** Reusable ArrayBuffers of roughly the sizes asked for. */
export class BufferPool {
  readonly #free: ArrayBuffer[] = [];
  readonly #maxBuffers: number;
  readonly #maxBytes: number;
  #keptBytes = 0;

  /** Keeps at most `maxBuffers` buffers, and at most `maxBytes` bytes in all (so a buffer larger than that is never kept). */
  constructor(maxBuffers: number, maxBytes: number) {
    this.#maxBuffers = maxBuffers;
    this.#maxBytes = maxBytes;
  }

  /**
   * A kept buffer of `bytes` to `2 × upTo` bytes (the smallest such), removed
   * from the pool; undefined if none. `upTo` (default `bytes`) is the largest
   * request of its kind, so that a small one (an edge tile) takes a buffer cut
   * for a large one rather than a fresh buffer.
   */
  takeKept(bytes: number, upTo = bytes): ArrayBuffer | undefined {
    let best = -1;
    for (let i = 0; i < this.#free.length; i++) {
      const len = this.#free[i].byteLength;
      if (len >= bytes && len <= 2 * Math.max(bytes, upTo) && (best < 0 || len < this.#free[best].byteLength)) best = i;
    }
    if (best < 0) return undefined;
    const [kept] = this.#free.splice(best, 1);
    this.#keptBytes -= kept.byteLength;
    return kept;
  }

  /** `bytes` bytes (contents undefined): a view of a kept buffer, or of a fresh, unzeroed one of `upTo` bytes that will fit every request of its kind. */
  take(bytes: number, upTo = bytes): Uint8Array {
    const kept = this.takeKept(bytes, upTo) ?? (Buffer.allocUnsafeSlow(Math.max(bytes, upTo)).buffer as ArrayBuffer);
    return new Uint8Array(kept, 0, bytes);
  }

  /** Keeps `buffer` for reuse (dropping the oldest kept ones to stay within the bounds), unless it is detached or too large. */
  give(buffer: ArrayBuffer | undefined): void {
    if (!buffer || buffer.byteLength === 0 || buffer.byteLength > this.#maxBytes) return;
    while (this.#free.length > 0 && (this.#free.length >= this.#maxBuffers || this.#keptBytes + buffer.byteLength > this.#maxBytes)) {
      this.#keptBytes -= this.#free.shift()!.byteLength;
    }
    this.#free.push(buffer);
    this.#keptBytes += buffer.byteLength;
  }
}
