/**
 * Bounded run-ahead: at most `limit` items are in progress at once, each
 * taken in order as a slot frees. In the pipeline an item holds its slot from
 * read to write, so decoded-but-unwritten images never exceed `limit`.
 */

/** Runs `work` over `items` with at most `limit` in progress; resolves when all are done. `work` must not reject. */
export async function runBounded<T>(
  items: Iterable<T> | AsyncIterable<T>,
  limit: number,
  work: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const iterator =
    Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : (items as Iterable<T>)[Symbol.iterator]();
  let done = false;
  const lane = async (): Promise<void> => {
    while (!done && !signal?.aborted) {
      const next = await iterator.next();
      if (next.done) {
        done = true;
        return;
      }
      await work(next.value);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, lane));
}
