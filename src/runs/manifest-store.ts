/**
 * The manifest's storage: the compacted file and the per-process journals
 * of an out-dir (see manifest.ts), what each entry holds, and how journals
 * merge (the latest record of an output wins).
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { leftByDeadProcess } from '../io/process-alive.js';

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
  /**
   * The input's size and modification time when it was hashed, recorded only
   * if it was then at least {@link STAT_TRUST_MS} old: a later run whose
   * input has the same size and time reuses `inputHash` without reading it.
   */
  readonly inputSize?: number;
  readonly inputMtimeMs?: number;
}

/**
 * How old (ms) an input must be when hashed for its size and modification
 * time to stand for its content later: a file written again within the
 * timestamp's granularity right after being hashed could keep both.
 */
export const STAT_TRUST_MS = 2000;

/** What the manifest stores for one output: the check, and what was written. */
export interface StoredEntry extends ManifestEntry {
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
export function merge(into: Map<string, StoredEntry>, key: string, entry: StoredEntry): void {
  const have = into.get(key);
  if (!have || (entry.at ?? 0) >= (have.at ?? 0)) into.set(key, entry);
}

/** A journal's name, and whether its writer (on this host) is gone. */
export function journalOwnerGone(name: string): boolean {
  const m = /^([0-9a-f]{8})-(\d+)-/.exec(name);
  return m !== null && leftByDeadProcess(m[1], Number(m[2]));
}

/** Reads the compacted manifest and every journal of `dir` into `into`; returns the journal names. */
export async function readAll(dir: string, into: Map<string, StoredEntry>): Promise<string[]> {
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
