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
import { readFile, readdir, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import type Lockfile from 'proper-lockfile';
import { writeAtomic } from '../io/atomic-write.js';
import { HOST_TAG, leftByDeadProcess } from '../io/process-alive.js';
import { namedByContent, shownPath } from '../io/content-hash.js';

/** proper-lockfile, loaded when a manifest is first saved. */
const lockfile = (): typeof Lockfile => createRequire(import.meta.url)('proper-lockfile') as typeof Lockfile;

/** File name of the manifest inside the out-dir. */
export const MANIFEST_NAME = '.tilepipe-manifest.json';

/** Folder of the per-process journals inside the out-dir. */
export const JOURNAL_DIR = '.tilepipe-manifest.d';

/** What the manifest checks for one output. */
export interface ManifestEntry {
  readonly inputHash: string;
  readonly optionsKey: string;
  /** The input, relative to the out-dir (so a moved project keeps it); `--prune` removes outputs whose input is gone. */
  readonly input?: string;
}

/** What the manifest stores for one output: the check, and what was written. */
interface StoredEntry extends ManifestEntry {
  readonly width?: number;
  readonly height?: number;
  readonly bytes?: number;
  /** Modification time of the written file. */
  readonly mtimeMs?: number;
  /** When the entry was recorded (ms since the epoch): the latest wins when journals merge. */
  readonly at?: number;
  /** A tombstone: the output was removed (`--prune`); kept so that an older entry in another journal cannot revive it. */
  readonly removed?: boolean;
  /** For an output named after its content: its planned name with `{contenthash}` in it, relative to the out-dir. */
  readonly slot?: string;
}

/** Size details of a written output. */
export interface OutputSize {
  readonly width?: number;
  readonly height?: number;
  readonly bytes?: number;
  readonly mtimeMs?: number;
}

function valid(v: unknown): v is StoredEntry {
  const e = v as StoredEntry | undefined;
  return typeof e?.inputHash === 'string' && typeof e?.optionsKey === 'string';
}

/** Adds `entry` for `key` unless `into` has a later one. */
function merge(into: Map<string, StoredEntry>, key: string, entry: StoredEntry): void {
  const have = into.get(key);
  if (!have || (entry.at ?? 0) >= (have.at ?? 0)) into.set(key, entry);
}

/** A journal's name, and whether its writer (on this host) is gone. */
function journalOwnerGone(name: string): boolean {
  const m = /^([0-9a-f]{8})-(\d+)-/.exec(name);
  return m !== null && leftByDeadProcess(m[1], Number(m[2]));
}

/** Reads the compacted manifest and every journal of `dir` into `into`; returns the journal names. */
async function readAll(dir: string, into: Map<string, StoredEntry>): Promise<string[]> {
  try {
    const json = JSON.parse(await readFile(path.join(dir, MANIFEST_NAME), 'utf8')) as { outputs?: Record<string, unknown> };
    for (const [k, v] of Object.entries(json.outputs ?? {})) if (valid(v)) merge(into, k, v);
  } catch {
    // No manifest yet, or a damaged one: its outputs count as out of date.
  }
  const names = await readdir(path.join(dir, JOURNAL_DIR)).catch(() => [] as string[]);
  const journals = names.filter((n) => n.endsWith('.ndjson'));
  for (const name of journals) {
    const text = await readFile(path.join(dir, JOURNAL_DIR, name), 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const { key, ...entry } = JSON.parse(line) as StoredEntry & { key: string };
        if (typeof key === 'string' && valid(entry)) merge(into, key, entry);
      } catch {
        // A line torn by a kill: the output it describes is redone.
      }
    }
  }
  return journals;
}

/** The manifest of one out-dir. Paths are stored relative to the out-dir. */
export class Manifest {
  readonly #dir: string;
  readonly #entries: Map<string, StoredEntry>;
  /** Slot → key of the latest output recorded for it. */
  readonly #slots = new Map<string, string>();
  readonly #journalName = `${HOST_TAG}-${process.pid}-${randomBytes(4).toString('hex')}.ndjson`;
  #journalFd: number | undefined;
  #appendError: Error | undefined;

  private constructor(dir: string, entries: Map<string, StoredEntry>) {
    this.#dir = dir;
    this.#entries = entries;
    this.#indexSlots();
  }

  #indexSlots(): void {
    this.#slots.clear();
    const latest = new Map<string, number>();
    for (const [key, e] of this.#entries) {
      if (e.slot === undefined || (latest.get(e.slot) ?? -Infinity) > (e.at ?? 0)) continue;
      latest.set(e.slot, e.at ?? 0);
      this.#slots.set(e.slot, key);
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
      superseded: entry.slot !== undefined && this.#slots.get(entry.slot) !== key,
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

  #append(key: string, stored: StoredEntry): void {
    this.#entries.set(key, stored);
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
