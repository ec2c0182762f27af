/**
 * Admission of images by memory: each image in flight holds a lease of its
 * estimated bytes, and an image waits (in arrival order) until its lease fits
 * in the budget. An image larger than the whole budget runs alone, when
 * nothing else holds a lease; admission itself never exceeds the budget.
 */
import os from 'node:os';

/** Default budget: half of the memory available now (or of the cgroup limit, if lower), at least 256 MB. */
export function defaultMemoryBudgetMb(): number {
  const constrained = process.constrainedMemory?.() ?? 0;
  const available = constrained > 0 ? Math.min(constrained, os.freemem()) : os.freemem();
  return Math.max(256, Math.floor(available / 2 / 1048576));
}

/** Bytes one image is expected to hold at its peak: two rasters of its largest planned size (stage input and output), plus its encoded bytes. */
export function imageBytes(largestPixels: number, encodedBytes: number): number {
  return largestPixels * 4 * 2 + encodedBytes;
}

/** A byte budget shared by the images of a pipeline. */
export class MemoryBudget {
  /** The budget, in bytes. */
  readonly bytes: number;
  #used = 0;
  #held = 0;
  readonly #waiting: Array<{ bytes: number; grant: () => void }> = [];

  constructor(megabytes: number) {
    this.bytes = megabytes * 1048576;
  }

  /** Bytes leased now. */
  get used(): number {
    return this.#used;
  }

  /**
   * Waits until `bytes` fit (or, for more than the whole budget, until nothing
   * else is leased), then leases them; the returned function gives them back.
   * Rejects with the signal's reason if it aborts while waiting.
   */
  async acquire(bytes: number, signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.#waiting.length === 0 && this.#fits(bytes)) {
      this.#take(bytes);
    } else {
      // #grant takes the lease for a waiter before waking it.
      await new Promise<void>((resolve, reject) => {
        const waiter = { bytes, grant: () => { signal?.removeEventListener('abort', onAbort); resolve(); } };
        const onAbort = (): void => {
          const i = this.#waiting.indexOf(waiter);
          if (i >= 0) this.#waiting.splice(i, 1);
          reject(signal!.reason);
          this.#grant();
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        this.#waiting.push(waiter);
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#used -= bytes;
      this.#held--;
      this.#grant();
    };
  }

  #take(bytes: number): void {
    this.#used += bytes;
    this.#held++;
  }

  #fits(bytes: number): boolean {
    return this.#held === 0 || this.#used + bytes <= this.bytes;
  }

  #grant(): void {
    while (this.#waiting.length > 0 && this.#fits(this.#waiting[0].bytes)) {
      const next = this.#waiting.shift()!;
      this.#take(next.bytes);
      next.grant();
    }
  }
}
