/**
 * The output cache: encoded outputs stored by a key of the input's content
 * hash and the normalised options that shaped them, in `cacheDir` (default
 * `node_modules/.cache/tilepipe`), so CI can keep it between builds and
 * unchanged inputs are never processed twice.
 */
import { copyFile, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from '../io/sharp.js';
import { keyOf } from './hash.js';
import { FORMAT_EXTENSION } from '../io/encode.js';
import { packageVersion } from '../model/package-files.js';
import { writeAtomic, type WriteOptions } from '../io/atomic-write.js';
import { type OutputFormat } from '../model/options.js';
import type { EncoderSettings } from '../model/encoder-options.js';

/** Where the cache lives unless `cacheDir` says otherwise (relative to the working folder). */
export const DEFAULT_CACHE_DIR = path.join('node_modules', '.cache', 'tilepipe');

/** A written (or cached, or planned) output: where it is and, once it exists, what it is. */
export interface OutputRecord {
  readonly path: string;
  readonly format: OutputFormat;
  readonly width?: number;
  readonly height?: number;
  readonly bytes?: number;
  /** Modification time of the written file (ms), once it exists. */
  readonly mtimeMs?: number;
}

/** What shapes one output besides the chain. */
export interface OutputOptions {
  readonly format: OutputFormat;
  readonly quality?: number;
  readonly width?: number;
  readonly keepMetadata?: boolean;
  readonly encoder?: EncoderSettings;
}

const VERSION = packageVersion();

/** The cache key of one output: input content, chain, output options and the tilepipe version. */
export function outputKey(inputHash: string, chain: readonly string[], o: OutputOptions): string {
  return keyOf([VERSION, inputHash, chain, o.format, o.quality ?? null, o.width ?? null, Boolean(o.keepMetadata), ...(o.encoder ? [o.encoder] : [])]);
}

/** Reads an encoded file's record (header only). */
export async function recordOf(file: string, format: OutputFormat): Promise<OutputRecord> {
  const [m, s] = await Promise.all([sharp(file).metadata(), stat(file)]);
  return { path: file, format, width: m.width, height: m.height, bytes: s.size };
}

/** A folder of encoded outputs, addressed by {@link outputKey}. */
export class OutputCache {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  /** Where the output with this key lives in the cache. */
  pathOf(key: string, format: OutputFormat): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.${FORMAT_EXTENSION[format]}`);
  }

  /** The cached output's record, if it is cached. */
  async lookup(key: string, format: OutputFormat): Promise<OutputRecord | undefined> {
    return recordOf(this.pathOf(key, format), format).catch(() => undefined);
  }

  /** Copies a finished output into the cache (atomically). */
  async store(key: string, format: OutputFormat, source: string): Promise<void> {
    await writeAtomic(this.pathOf(key, format), (tmp) => copyFile(source, tmp));
  }

  /** Copies a cached output to `target` (atomically; a `{contenthash}` target is named after the bytes) and returns its record there. */
  async restore(key: string, format: OutputFormat, target: string, options: WriteOptions = {}): Promise<OutputRecord & { readonly bytes: number; readonly mtimeMs: number }> {
    const cached = await recordOf(this.pathOf(key, format), format);
    const { size, mtimeMs, path: written } = await writeAtomic(target, (tmp) => copyFile(cached.path, tmp), options);
    return { ...cached, path: written, bytes: size, mtimeMs };
  }
}
