/**
 * The incremental-run manifest kept in the out-dir: for each output, the
 * SHA-256 of the input it came from, a key of the options that shaped it, and
 * the size and modification time of the file that was written. An output is
 * up to date when all of these still match (so a truncated, replaced or
 * foreign file is redone, never trusted).
 *
 * Durability and several writers: every completed output is appended, before
 * it is reported, to this process's own journal (`.tilepipe-manifest.d/<host>-<pid>-<id>.ndjson`),
 * so a run killed with SIGKILL loses no finished output. `save()` compacts the
 * journals into `.tilepipe-manifest.json` under a lock (proper-lockfile),
 * merging entries by write time, and deletes only journals whose process is
 * gone. Two runs into one out-dir therefore never lose each other's entries.
 *
 * Outputs named after their content (`{contenthash}`) are found by their
 * slot, the planned name with `{contenthash}` left in: the latest output
 * recorded for a slot is the current one, earlier ones are superseded.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import type Lockfile from 'proper-lockfile';
import { writeAtomic } from '../io/atomic-write.js';
import { HOST_TAG } from '../io/process-alive.js';
import { JOURNAL_DIR, MANIFEST_NAME, journalOwnerGone, readAll, type ManifestEntry, type OutputSize, type StoredEntry } from './manifest-store.js';

export { JOURNAL_DIR, MANIFEST_NAME, STAT_TRUST_MS, type ManifestEntry, type OutputSize } from './manifest-store.js';
import { namedByContent, shownPath } from '../io/content-hash.js';

/** proper-lockfile, loaded when a manifest is first saved. */
const lockfile = (): typeof Lockfile => createRequire(import.meta.url)('proper-lockfile') as typeof Lockfile;

/** The manifest of one out-dir. Paths are stored relative to the out-dir. */
export class Manifest {
  readonly #dir: string;
  readonly #entries: Map<string, StoredEntry>;
  /** Slot → key of the latest output recorded for it. */
  readonly #slots = new Map<string, string>();
  /** Input (relative) → its hash, keyed by the size and modification time it had when hashed. */
  readonly #inputStats = new Map<string, { size: number; mtimeMs: number; hash: string }>();
  readonly #journalName = `${HOST_TAG}-${process.pid}-${randomBytes(4).toString('hex')}.ndjson`;
  #journalFd: number | undefined;
  #appendError: Error | undefined;

  private constructor(dir: string, entries: Map<string, StoredEntry>) {
    this.#dir = dir;
    this.#entries = entries;
    this.#indexSlots();
  }

  /** Whether a later output of the same input took this `{contenthash}` output's slot. */
  #superseded(key: string, entry: StoredEntry): boolean {
    if (entry.slot === undefined) return false;
    const latest = this.#slots.get(entry.slot);
    return latest !== undefined && latest !== key && this.#entries.get(latest)?.input === entry.input;
  }

  #indexSlots(): void {
    this.#slots.clear();
    for (const e of this.#entries.values()) this.#noteInput(e);
    const latest = new Map<string, number>();
    for (const [key, e] of this.#entries) {
      if (e.slot === undefined || (latest.get(e.slot) ?? -Infinity) > (e.at ?? 0)) continue;
      latest.set(e.slot, e.at ?? 0);
      this.#slots.set(e.slot, key);
    }
  }

  /**
   * Loads the lock library that save() needs (about 10 ms of the main thread)
   * now: a run calls this when its main thread is idle, waiting for an image
   * (runs/when-idle.ts). A library that fails to load fails save(), not this.
   */
  static preloadLock(): void {
    try {
      lockfile();
    } catch {
      // save() loads it again and reports why it cannot
    }
  }

  /** Loads the manifest of `outDir`: the compacted file plus every journal (empty if there is none). */
  static async load(outDir: string): Promise<Manifest> {
    const entries = new Map<string, StoredEntry>();
    await readAll(outDir, entries);
    return new Manifest(outDir, entries);
  }

  #key(output: string): string {
    return path.relative(this.#dir, output).split(path.sep).join('/');
  }

  /** Whether the manifest lists `file` as an output. */
  has(file: string): boolean {
    const entry = this.#entries.get(this.#key(file));
    return entry !== undefined && !entry.removed;
  }

  /**
   * Every output listed (absolute path) with what was recorded for it;
   * `superseded` when a later output took its `{contenthash}` slot.
   */
  outputs(): Array<{ readonly output: string; readonly entry: ManifestEntry & OutputSize; readonly superseded: boolean }> {
    return [...this.#entries].filter(([, e]) => !e.removed).map(([key, entry]) => ({
      output: path.join(this.#dir, ...key.split('/')),
      entry,
      superseded: this.#superseded(key, entry),
    }));
  }

  /** Records that `output` was removed (journaled as `record` is). */
  forget(output: string): void {
    this.#append(this.#key(output), { inputHash: '', optionsKey: '', removed: true, at: Date.now() });
  }

  /**
   * If `output` is as this run would write it, what was written: the entry's
   * input hash and options match, and the file on disk has the recorded size
   * and modification time. With `ownInput` (an in-place output, which is its
   * own input), the input hash is not compared: the file is the output.
   * A planned `{contenthash}` output is looked up by its slot, and the
   * answer gives the path it was written to.
   */
  async upToDate(planned: string, entry: ManifestEntry, ownInput = false): Promise<(OutputSize & { readonly path: string }) | undefined> {
    const key = namedByContent(planned) ? this.#slots.get(shownPath(this.#key(planned))) : this.#key(planned);
    if (key === undefined) return undefined;
    const output = path.join(this.#dir, ...key.split('/'));
    const have = this.#entries.get(key);
    if (!have || have.removed || have.optionsKey !== entry.optionsKey || (!ownInput && have.inputHash !== entry.inputHash)) return undefined;
    const s = await stat(output).catch(() => undefined);
    if (!s?.isFile() || have.bytes === undefined || have.mtimeMs === undefined) return undefined;
    if (s.size !== have.bytes || s.mtimeMs !== have.mtimeMs) return undefined;
    return { width: have.width, height: have.height, bytes: have.bytes, mtimeMs: have.mtimeMs, path: output };
  }

  /**
   * Records a written output, appending it to this process's journal before
   * returning (a synchronous write of one line: once a caller reports the
   * output, a kill -9 cannot lose its record). `size` gives what was written,
   * with the file's size and modification time as the atomic write read them;
   * `planned`, the path as planned, when it differs (`{contenthash}`).
   */
  record(output: string, entry: ManifestEntry, size: OutputSize & { readonly bytes: number; readonly mtimeMs: number }, planned = output): void {
    const slot = namedByContent(planned) ? shownPath(this.#key(planned)) : undefined;
    this.#append(this.#key(output), { ...entry, ...size, at: Date.now(), ...(slot !== undefined ? { slot } : {}) });
  }

  #noteInput(e: StoredEntry): void {
    if (e.input !== undefined && e.inputSize !== undefined && e.inputMtimeMs !== undefined && !e.removed) {
      this.#inputStats.set(e.input, { size: e.inputSize, mtimeMs: e.inputMtimeMs, hash: e.inputHash });
    }
  }

  /**
   * The content hash recorded for `input` (relative to the out-dir, as in
   * entries) when it had this size and modification time, if any: a rerun
   * need not read an unchanged input again.
   */
  knownHash(input: string, size: number, mtimeMs: number): string | undefined {
    const known = this.#inputStats.get(input);
    return known && known.size === size && known.mtimeMs === mtimeMs ? known.hash : undefined;
  }

  #append(key: string, stored: StoredEntry): void {
    this.#entries.set(key, stored);
    this.#noteInput(stored);
    if (stored.slot !== undefined) this.#slots.set(stored.slot, key);
    try {
      if (this.#journalFd === undefined) {
        mkdirSync(path.join(this.#dir, JOURNAL_DIR), { recursive: true });
        this.#journalFd = openSync(path.join(this.#dir, JOURNAL_DIR, this.#journalName), 'a');
      }
      writeSync(this.#journalFd, `${JSON.stringify({ key, ...stored })}\n`);
    } catch (err) {
      this.#appendError ??= err as Error;
    }
  }

  /**
   * Compacts the journals into the manifest file, under a lock, and removes
   * this process's journal and those of processes that are gone. Rejects if
   * the journal or the manifest could not be written.
   */
  async save(): Promise<void> {
    const fd = this.#journalFd;
    this.#journalFd = undefined;
    if (fd !== undefined) closeSync(fd);
    if (this.#appendError) throw this.#appendError;
    if (fd === undefined) return;
    const file = path.join(this.#dir, MANIFEST_NAME);
    const release = await lockfile().lock(this.#dir, {
      lockfilePath: `${file}.lock`,
      realpath: false,
      stale: 30_000,
      retries: { retries: 100, minTimeout: 20, maxTimeout: 500 },
    });
    try {
      const merged = new Map<string, StoredEntry>();
      const journals = await readAll(this.#dir, merged);
      const outputs = Object.fromEntries([...merged].sort(([a], [b]) => (a < b ? -1 : 1)));
      await writeAtomic(file, (tmp) => writeFile(tmp, `${JSON.stringify({ version: 2, outputs }, null, 1)}\n`));
      for (const name of journals) {
        if (name === this.#journalName || journalOwnerGone(name)) await unlink(path.join(this.#dir, JOURNAL_DIR, name)).catch(() => {});
      }
      await rmdir(path.join(this.#dir, JOURNAL_DIR)).catch(() => {}); // only if no other run's journal is left
      for (const [k, v] of merged) this.#entries.set(k, v);
      this.#indexSlots();
    } finally {
      await release();
    }
  }
}
