/**
 * Cached variants of one file, for build tools: every width × format of an
 * input processed by a chain, stored in the output cache and returned with
 * their dimensions. Identical requests in flight share one piece of work.
 */
import { formatOp, type ChainStep } from '../plan/chain.js';
import { outputKey, type OutputCache, type OutputRecord } from './cache.js';
import { hashFile } from './hash.js';
import { parseOption, type OutputFormat } from '../model/options.js';
import { parseEncode, type EncodeSettings } from '../model/encoder-options.js';
import type { Engine } from '../exec/engine.js';

/** What to make of one input. */
export interface VariantOptions {
  readonly ops?: readonly ChainStep[];
  /** Output formats (default: webp). */
  readonly formats?: readonly OutputFormat[];
  /** Width variants (default: the processed image's own width). */
  readonly widths?: readonly number[];
  readonly quality?: number;
  /** Encoder settings per format (see `encode` in the options). */
  readonly encode?: EncodeSettings;
  readonly keepMetadata?: boolean;
  readonly signal?: AbortSignal;
}

/** Makes (or finds in the cache) every width × format of `file`; returns them in that order, with paths in the cache. */
export async function cachedVariants(
  engine: Engine,
  cache: OutputCache,
  inFlight: Map<string, Promise<OutputRecord[]>>,
  file: string,
  options: VariantOptions,
): Promise<OutputRecord[]> {
  const formats = (options.formats === undefined ? ['webp'] : parseOption('formats', options.formats)) as OutputFormat[];
  const widths = (options.widths === undefined ? [undefined] : parseOption('widths', options.widths)) as Array<number | undefined>;
  if (options.quality !== undefined) parseOption('quality', options.quality);
  const encode = options.encode === undefined ? undefined : parseEncode(options.encode);
  const { chain } = await engine.plan(options.ops);
  const chainKey = chain.map(formatOp);
  const hash = await hashFile(file);
  const specs = widths.flatMap((width) => formats.map((format) => ({ format, width, quality: options.quality, keepMetadata: options.keepMetadata, ...(encode?.[format] ? { encoder: encode[format] } : {}) })));
  const keys = specs.map((s) => outputKey(hash, chainKey, s));
  const flightKey = keys.join('/');
  const running = inFlight.get(flightKey);
  if (running) return running;
  const work = (async () => {
    const found = await Promise.all(specs.map((s, i) => cache.lookup(keys[i], s.format)));
    if (found.every((r): r is OutputRecord => r !== undefined)) return found;
    const [result] = await engine.processFiles(
      [{ input: file, outputs: specs.map((s, i) => ({ ...s, path: cache.pathOf(keys[i], s.format) })) }],
      { ops: options.ops, signal: options.signal },
    );
    if (result.status !== 'ok') throw new Error(result.error);
    return result.outputs.map(({ path, format, width, height, bytes }) => ({ path, format, width, height, bytes }));
  })();
  inFlight.set(flightKey, work);
  try {
    return await work;
  } finally {
    inFlight.delete(flightKey);
  }
}
