/**
 * The library's facade: a pipeline validates its options through the option
 * schema, owns an engine (worker pool, I/O stage) and an output cache, and
 * offers one image, a batch, a folder run and cached variants. Creating one
 * sets sharp's process-wide thread budget (see `applySharpThreadBudget`).
 */
import os from 'node:os';
import { parseOptions } from './model/options.js';
import { ValidationError } from './model/errors.js';
import type { ChainStep, OpInstance } from './plan/chain.js';
import type { OpRegistry } from './plan/registry.js';
import type { Stage } from './plan/plan.js';
import { Engine } from './exec/engine.js';
import type { BatchOptions, FileJob, FileResult, PipelineTimes, ProcessOptions, WrittenOutput } from './exec/types.js';
import { runFolder, type FileEvent, type RunOptions, type RunSummary } from './runs/folder-run.js';
import { DEFAULT_CACHE_DIR, OutputCache, type OutputRecord } from './runs/cache.js';
import { cachedVariants, type VariantOptions } from './runs/variants.js';
import { defaultMemoryBudgetMb } from './exec/memory-budget.js';
import { defaultParallelPngMinPixels } from './io/png/encoder.js';
import { makePicture, type PictureOptions } from './web/publish.js';
import type { Picture } from './web/picture.js';

export type { BatchOptions, FileJob, FileResult, OutputSpec, PipelineEvent, PipelineTimes, ProcessOptions, WrittenOutput } from './exec/types.js';

/**
 * Options of {@link createPipeline}. Every field is optional; each is declared,
 * with its range and default, in the option schema (`OPTIONS`), which
 * validates it here as it validates the CLI flags and config files.
 */
export interface PipelineOptions {
  /** Worker threads for tile work (default: `os.availableParallelism()`). */
  readonly workers?: number;
  /** Tile edge in pixels, used as given (default, measured: 768 raised to 8 × a stage's halo radius; 1024 for point-only stages). */
  readonly tileSize?: number;
  /** Images read, decoded and not yet written, at most (default: workers + 1). */
  readonly maxInFlight?: number;
  /** Pixel limit per input, as sharp's `limitInputPixels` (default 268 402 689); `false` for none. */
  readonly limitInputPixels?: number | false;
  /** Paths of plugin modules whose `defineOp` exports become available in chains. */
  readonly plugins?: readonly string[];
  /**
   * Folder of the output cache (content hash + options → encoded output), shared across runs and
   * pipelines (default `node_modules/.cache/tilepipe` under the working folder); `false` for none.
   */
  readonly cacheDir?: string | false;
  /**
   * Milliseconds one image may take from read to write (reading, decoding,
   * tile and geometry stages, encoding) before it fails with "timed out";
   * its workers are replaced. Default: none.
   */
  readonly timeout?: number;
  /**
   * Memory budget in MB for images in flight: an image is admitted only when
   * its estimated peak (two rasters of its largest planned size plus its
   * encoded bytes) fits beside the others'; one larger than the budget runs
   * alone. Default: half the memory available at start (at least 256 MB).
   */
  readonly maxMemoryMb?: number;
  /**
   * Memory one worker thread may hold, in MB (default 2048): its JS heap is
   * capped there, and a worker still holding more after a tile (a plugin
   * kernel that leaks) fails that image with "worker out of memory" and is
   * replaced; the batch goes on.
   */
  readonly workerMemoryMb?: number;
  /**
   * PNG outputs of at least this many pixels are deflated in bands on all the
   * workers instead of by sharp on one thread (default: 16 000 000 with 2 or
   * more workers, else `false`: never). The bands are deflated by libdeflate
   * in WebAssembly, about as fast per core as libvips' zlib-ng.
   */
  readonly parallelPngMinPixels?: number | false;
}

/** A pipeline: a worker pool plus the I/O stage. Create with {@link createPipeline}; end with `close()`. */
export class Pipeline {
  /** Worker threads in the pool. */
  readonly workers: number;
  /** Tile edge in pixels, or undefined for the default. */
  readonly tileSize: number | undefined;
  /** Bound on images in flight in {@link Pipeline.processFiles}. */
  readonly maxInFlight: number;
  /** Milliseconds one image may take from read to write, if limited (see {@link PipelineOptions.timeout}). */
  readonly timeout: number | undefined;
  readonly #engine: Engine;
  readonly #cache: OutputCache | undefined;
  readonly #variantsInFlight = new Map<string, Promise<OutputRecord[]>>();

  constructor(options: PipelineOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new ValidationError('options must be an object');
    const o = parseOptions<PipelineOptions>('pipeline', options);
    const workers = o.workers ?? os.availableParallelism();
    this.#engine = new Engine({
      workers,
      tileSize: o.tileSize,
      maxInFlight: o.maxInFlight ?? workers + 1,
      limitInputPixels: o.limitInputPixels,
      plugins: o.plugins ?? [],
      timeout: o.timeout,
      maxMemoryMb: o.maxMemoryMb ?? defaultMemoryBudgetMb(),
      workerMemoryMb: o.workerMemoryMb,
      parallelPngMinPixels: o.parallelPngMinPixels ?? defaultParallelPngMinPixels(workers),
    });
    ({ workers: this.workers, tileSize: this.tileSize, maxInFlight: this.maxInFlight, timeout: this.timeout } = this.#engine);
    this.#cache = o.cacheDir === false ? undefined : new OutputCache(o.cacheDir ?? DEFAULT_CACHE_DIR);
  }

  /** The operations this pipeline knows (built-ins and plugins). */
  registry(): Promise<OpRegistry> {
    return this.#engine.registry();
  }

  /** Validates a chain and splits it into stages; throws a ValidationError naming the bad op or parameter. */
  plan(ops: readonly ChainStep[] = []): Promise<{ chain: OpInstance[]; stages: Stage[] }> {
    return this.#engine.plan(ops);
  }

  /** Decodes `input` (encoded bytes), runs the chain, and encodes the result to `format` (default png). */
  processBuffer(input: Uint8Array | ArrayBuffer, options: ProcessOptions = {}): Promise<Buffer> {
    return this.#engine.processBuffer(input, options);
  }

  /** Reads `input`, runs the chain and writes `output` atomically (format from its extension unless given). */
  processFile(input: string, output: string, options: ProcessOptions = {}): Promise<WrittenOutput> {
    return this.#engine.processFile(input, output, options);
  }

  /**
   * Processes many files with bounded run-ahead (at most `maxInFlight` images
   * between read and write, admitted by the memory budget). A failing file is
   * reported in its result; the batch goes on.
   */
  processFiles(jobs: Iterable<FileJob> | AsyncIterable<FileJob>, options: BatchOptions = {}): Promise<FileResult[]> {
    return this.#engine.processFiles(jobs, options);
  }

  /**
   * Processes files, directories and globs into `outDir`, mirroring their
   * trees, with format × width variants and an incremental manifest. Bad files
   * are reported per file (in events and the summary), never thrown.
   */
  run(options: RunOptions): Promise<RunSummary> {
    return runFolder(this.#engine, this.#cache, options);
  }

  /**
   * The same run as {@link Pipeline.run}, as an async iterable: one event per
   * input as it completes, then the summary. Breaking out of the loop does not
   * stop the run; abort its signal for that.
   */
  async *stream(options: RunOptions): AsyncGenerator<FileEvent | RunSummary> {
    const queue: FileEvent[] = [];
    let wake: (() => void) | undefined;
    let finished = false;
    let outcome: { summary?: RunSummary; error?: unknown } = {};
    void runFolder(this.#engine, this.#cache, { ...options, onProgress: (e) => { options.onProgress?.(e); queue.push(e); wake?.(); } })
      .then((summary) => { outcome = { summary }; }, (error: unknown) => { outcome = { error }; })
      .finally(() => { finished = true; wake?.(); });
    for (;;) {
      if (queue.length > 0) {
        yield queue.shift()!;
      } else if (finished) {
        break;
      } else {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    }
    if (!outcome.summary) throw outcome.error;
    yield outcome.summary;
  }

  /**
   * Every width × format of one file, processed by the chain, from the output
   * cache (made and stored there if missing). Concurrent identical requests
   * share one piece of work. Requires a cache (`cacheDir` not false).
   */
  async variants(file: string, options: VariantOptions = {}): Promise<OutputRecord[]> {
    if (!this.#cache) throw new ValidationError('variants() needs a cache: create the pipeline without cacheDir: false');
    return cachedVariants(this.#engine, this.#cache, this.#variantsInFlight, file, options);
  }

  /**
   * A `<picture>` of one image for a page: every width × format (the last
   * format is the `<img>` fallback), published into `outDir` (default `img`)
   * under content-hashed names with URLs under `urlPath` (default `/img/`),
   * plus a placeholder if asked for. Render it with `toHtml()`.
   *
   * @example
   * ```ts
   * const pic = await p.picture('photo.jpg', { formats: ['avif', 'webp', 'jpeg'], widths: [480, 960], placeholder: 'lqip' });
   * const html = toHtml(pic, { alt: 'A photo', sizes: '100vw' });
   * ```
   */
  picture(file: string, options: PictureOptions = {}): Promise<Picture> {
    return makePicture((f, o) => this.variants(f, o), file, options);
  }

  /** The output cache, if any. */
  get cache(): OutputCache | undefined {
    return this.#cache;
  }

  /** Where time went so far (ms summed over images and tiles). */
  times(): PipelineTimes {
    return this.#engine.times();
  }

  /** Ends the worker pool. The pipeline cannot be used afterwards. */
  close(): Promise<void> {
    return this.#engine.close();
  }
}

/**
 * Creates a pipeline with its own worker pool.
 *
 * @example
 * ```ts
 * const p = createPipeline({ workers: 2, tileSize: 256 });
 * const png = await p.processBuffer(input, { ops: ['blur:sigma=2', 'sobel'], format: 'png' });
 * await p.processFile('in.jpg', 'out/in.webp', { ops: [{ op: 'resize', width: 800 }, 'sharpen'] });
 * await p.close();
 * ```
 */
export function createPipeline(options: PipelineOptions = {}): Pipeline {
  return new Pipeline(options);
}
