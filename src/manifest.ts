/**
 * The incremental-run manifest kept in the out-dir: for each output, the
 * SHA-256 of the input it came from and a key of the options that shaped it.
 * An output is up to date when it exists and both match.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeAtomic } from './output.js';

/** File name of the manifest inside the out-dir. */
export const MANIFEST_NAME = '.tilepipe-manifest.json';

/** What the manifest checks for one output. */
export interface ManifestEntry {
  readonly inputHash: string;
  readonly optionsKey: string;
}

/** What the manifest stores for one output: the check, and what was written. */
interface StoredEntry extends ManifestEntry {
  readonly width?: number;
  readonly height?: number;
  readonly bytes?: number;
}

/** Size details of a written output. */
export interface OutputSize {
  readonly width?: number;
  readonly height?: number;
  readonly bytes?: number;
}

/** SHA-256 (hex) of a file's content, streamed. */
export function hashFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** A short stable key for a JSON-serialisable value. */
export function keyOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

/** The manifest of one out-dir. Paths are stored relative to the out-dir. */
export class Manifest {
  readonly #dir: string;
  readonly #entries: Map<string, StoredEntry>;
  #dirty = false;

  private constructor(dir: string, entries: Map<string, StoredEntry>) {
    this.#dir = dir;
    this.#entries = entries;
  }

  /** Loads the manifest of `outDir` (empty if there is none or it is unreadable). */
  static async load(outDir: string): Promise<Manifest> {
    const entries = new Map<string, StoredEntry>();
    try {
      const json = JSON.parse(await readFile(path.join(outDir, MANIFEST_NAME), 'utf8')) as { outputs?: Record<string, StoredEntry> };
      for (const [k, v] of Object.entries(json.outputs ?? {})) {
        if (typeof v?.inputHash === 'string' && typeof v?.optionsKey === 'string') entries.set(k, v);
      }
    } catch {
      // No manifest yet, or a damaged one: everything counts as out of date.
    }
    return new Manifest(outDir, entries);
  }

  #key(output: string): string {
    return path.relative(this.#dir, output).split(path.sep).join('/');
  }

  /** Whether the manifest lists `file` as an output. */
  has(file: string): boolean {
    return this.#entries.has(this.#key(file));
  }

  /** If `output` exists and was made from this input content with these options, what was written. */
  async upToDate(output: string, entry: ManifestEntry): Promise<OutputSize | undefined> {
    const have = this.#entries.get(this.#key(output));
    if (!have || have.inputHash !== entry.inputHash || have.optionsKey !== entry.optionsKey) return undefined;
    const exists = await access(output).then(() => true, () => false);
    return exists ? { width: have.width, height: have.height, bytes: have.bytes } : undefined;
  }

  /** Records a written output. */
  record(output: string, entry: ManifestEntry, size: OutputSize = {}): void {
    this.#entries.set(this.#key(output), { ...entry, ...size });
    this.#dirty = true;
  }

  /** Writes the manifest atomically if anything changed. */
  async save(): Promise<void> {
    if (!this.#dirty) return;
    const outputs = Object.fromEntries([...this.#entries].sort(([a], [b]) => (a < b ? -1 : 1)));
    const text = `${JSON.stringify({ version: 1, outputs }, null, 1)}\n`;
    await writeAtomic(path.join(this.#dir, MANIFEST_NAME), (tmp) => writeFile(tmp, text));
    this.#dirty = false;
  }
}
