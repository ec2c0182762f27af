/**
 * The library entry: a pipeline owns a worker pool and runs chains over
 * buffers and files. Data flows one way: read → decode → tile stages
 * (workers) and geometry stages (sharp) → encode → write.
 */
import os from 'node:os';
import { setMaxListeners } from 'node:events';
import path from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { resolveChain, type OpSpec, type OpInstance } from './plan/chain.js';
import { Coordinator, type CoordinatorTimes } from './exec/coordinator.js';
import { DEFAULT_LIMIT_INPUT_PIXELS, decodeImage, orientedSize, probeImage, readInput, type DecodedImage } from './io/decode.js';
import { deadlineSignal, withDeadline } from './exec/deadline.js';
import { MemoryBudget, defaultMemoryBudgetMb, imageBytes } from './exec/memory-budget.js';
import type { ImageSize } from './model/op.js';
import { encodeToBuffer, encodeToFile, formatFromPath, type EncodedInfo, type OutputFormat, type ParallelEncode, OUTPUT_FORMATS } from './io/encode.js';
import { ValidationError } from './model/param.js';
import { planChain, splitOnLoad, type Stage } from './plan/plan.js';
import { TilePool, type PoolTimes } from './exec/worker/pool.js';
import { createRegistry, type OpRegistry } from './plan/registry.js';
import { runBounded } from './exec/bounded.js';
import type { Raster } from './model/raster.js';
import { runFolder, type FileEvent, type RunOptions, type RunSummary } from './runs/folder-run.js';
import { DEFAULT_CACHE_DIR, OutputCache, type OutputRecord } from './runs/cache.js';
import { cachedVariants, type VariantOptions } from './runs/variants.js';

/** Default of {@link PipelineOptions.parallelPngMinPixels}, with at least {@link PARALLEL_PNG_MIN_WORKERS} workers. */
export const DEFAULT_PARALLEL_PNG_MIN_PIXELS = 16_000_000;

/** Fewest workers with which big PNGs are deflated in bands by default (see `parallelPngMinPixels`). */
export const PARALLEL_PNG_MIN_WORKERS = 4;

/** Options of {@link createPipeline}. Every field is optional. */
export interface PipelineOptions {
  /** Worker threads for tile work (default: `os.availableParallelism()`). */
  readonly workers?: number;
  /** Tile edge in pixels, used as given (default, measured: 256 raised to 8 × a stage's halo radius; 1024 for point-only stages). */
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
   * workers instead of by sharp on one thread (default: 16 000 000 with 4 or
   * more workers, else `false`: never). Per core, Node's zlib at level 6 is
   * 1.3× (photographs) to 2.4× (flat, edge-like images) slower than
   * libvips's zlib-ng, so the bands only win with enough workers.
   */
  readonly parallelPngMinPixels?: number | false;
}

/** How to process one image. */
export interface ProcessOptions {
  /** The chain, in order: `'blur:sigma=2'` strings or `{ op: 'blur', sigma: 2 }` objects. */
  readonly ops?: readonly OpSpec[];
  /** Output format (for files: default from the output's extension). */
  readonly format?: OutputFormat;
  /** Encoder quality 1–100 (jpeg, webp, avif, tiff). */
  readonly quality?: number;
  /** Cancels the work; the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** One output file of an input: where, how encoded, and (for variants) at which width. */
export interface OutputSpec {
  readonly path: string;
  readonly format: OutputFormat;
  readonly quality?: number;
  /** Resize the processed image to this width for this output. */
  readonly width?: number;
  /** Keep the source's EXIF (textual tags) and write an sRGB profile; default: stripped. */
  readonly keepMetadata?: boolean;
  /** Resolve symbolic links and refuse to write unless the output lands inside this folder. */
  readonly within?: string;
}

/** One input file and its outputs. */
export interface FileJob {
  readonly input: string;
  readonly outputs: readonly OutputSpec[];
}

/** A written output. */
export interface WrittenOutput extends EncodedInfo {
  readonly path: string;
  readonly mtimeMs: number;
}

/** The outcome for one input of {@link Pipeline.processFiles}. */
export interface FileResult {
  readonly input: string;
  readonly status: 'ok' | 'failed';
  readonly outputs: WrittenOutput[];
  /** One line naming the file and the reason, when failed. */
  readonly error?: string;
  /** Something the user should know, e.g. that only the first frame of an animation was processed. */
  readonly warning?: string;
  readonly ms: number;
}

/** Lifecycle events of {@link Pipeline.processFiles}, for progress and instrumentation. */
export type PipelineEvent =
  | { readonly type: 'decoded'; readonly input: string; readonly width: number; readonly height: number }
  | { readonly type: 'released'; readonly input: string }
  | { readonly type: 'file'; readonly result: FileResult };

/** Options of {@link Pipeline.processFiles}. */
export interface BatchOptions {
  readonly ops?: readonly OpSpec[];
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: PipelineEvent) => void;
}

/** Where time went, in ms summed over images (stages overlap, so sums exceed wall time). */
export interface PipelineTimes extends PoolTimes, CoordinatorTimes {
  readMs: number;
  decodeMs: number;
  encodeMs: number;
  images: number;
  peakInFlight: number;
}

function checkInt(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(`${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(value)}`);
  }
  return value;
}

function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/\s*\n\s*/g, '; ').trim();
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
  readonly #limitInputPixels: number | false | undefined;
  readonly #timeout: number | undefined;
  readonly #parallel: ParallelEncode | undefined;
  readonly #plugins: readonly string[];
  readonly #pool: TilePool;
  readonly #coordinator: Coordinator;
  readonly #registry: Promise<OpRegistry>;
  readonly #cache: OutputCache | undefined;
  readonly #budget: MemoryBudget;
  readonly #variantsInFlight = new Map<string, Promise<OutputRecord[]>>();
  readonly #times = { readMs: 0, decodeMs: 0, encodeMs: 0, images: 0, inFlight: 0, peakInFlight: 0 };

  constructor(options: PipelineOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new ValidationError('options must be an object');
    this.workers = checkInt('workers', options.workers ?? os.availableParallelism(), 1, 1024);
    this.tileSize = options.tileSize === undefined ? undefined : checkInt('tileSize', options.tileSize, 8, 1 << 20);
    this.maxInFlight = checkInt('maxInFlight', options.maxInFlight ?? this.workers + 1, 1, 4096);
    if (options.limitInputPixels !== undefined && options.limitInputPixels !== false) {
      checkInt('limitInputPixels', options.limitInputPixels, 1, Number.MAX_SAFE_INTEGER);
    }
    this.#limitInputPixels = options.limitInputPixels;
    this.#timeout = options.timeout === undefined ? undefined : checkInt('timeout', options.timeout, 1, 2 ** 31 - 1);
    this.timeout = this.#timeout;
    this.#budget = new MemoryBudget(checkInt('maxMemoryMb', options.maxMemoryMb ?? defaultMemoryBudgetMb(), 1, 2 ** 31 - 1));
    this.#plugins = (options.plugins ?? []).map((p) => path.resolve(p));
    // Thread budget: libvips gets one thread per image; parallelism comes from the pool.
    sharp.concurrency(1);
    sharp.cache(false);
    if (options.cacheDir !== undefined && options.cacheDir !== false && (typeof options.cacheDir !== 'string' || options.cacheDir === '')) {
      throw new ValidationError(`cacheDir must be a folder path or false, got ${JSON.stringify(options.cacheDir)}`);
    }
    this.#cache = options.cacheDir === false ? undefined : new OutputCache(options.cacheDir ?? DEFAULT_CACHE_DIR);
    this.#registry = createRegistry(this.#plugins);
    this.#registry.catch(() => {}); // surfaced by the first call that needs it
    this.#pool = new TilePool({
      workers: this.workers,
      ...(options.workerMemoryMb !== undefined ? { workerMemoryMb: checkInt('workerMemoryMb', options.workerMemoryMb, 16, 1 << 20) } : {}),
    });
    const minPixels = options.parallelPngMinPixels ?? (this.workers >= PARALLEL_PNG_MIN_WORKERS ? DEFAULT_PARALLEL_PNG_MIN_PIXELS : false);
    if (minPixels !== false) checkInt('parallelPngMinPixels', minPixels, 1, Number.MAX_SAFE_INTEGER);
    this.#parallel = minPixels === false ? undefined : {
      run: (task, signal) => this.#pool.deflate(task, signal),
      window: this.workers * 2,
      minPixels,
    };
    this.#coordinator = new Coordinator(this.#pool, { tileSize: this.tileSize, plugins: this.#plugins });
  }

  /** The operations this pipeline knows (built-ins and plugins). */
  async registry(): Promise<OpRegistry> {
    return this.#registry;
  }

  /** Validates a chain and splits it into stages; throws a ValidationError naming the bad op or parameter. */
  async plan(ops: readonly OpSpec[] = []): Promise<{ chain: OpInstance[]; stages: Stage[] }> {
    const chain = resolveChain(ops, await this.#registry);
    return { chain, stages: planChain(chain) };
  }

  async #decode(input: Uint8Array, onLoad: OpInstance | undefined, metadata: Metadata, signal: AbortSignal | undefined): Promise<DecodedImage> {
    const t = performance.now();
    const decoded = await decodeImage(input, { limitInputPixels: this.#limitInputPixels, onLoad, metadata, signal });
    this.#times.decodeMs += performance.now() - t;
    return decoded;
  }

  /** Decodes `input`, runs the chain, and encodes the result to `format` (default png). */
  async processBuffer(input: Uint8Array | ArrayBuffer, options: ProcessOptions = {}): Promise<Buffer> {
    if (!(input instanceof Uint8Array) && !(input instanceof ArrayBuffer)) {
      throw new ValidationError(`processBuffer takes the encoded image as a Buffer, Uint8Array or ArrayBuffer, got ${typeof input === 'string' ? 'a string (use processFile for paths)' : typeof input}`);
    }
    const { stages } = await this.plan(options.ops);
    const format = options.format ?? 'png';
    if (!OUTPUT_FORMATS.includes(format)) throw new ValidationError(`format must be one of ${OUTPUT_FORMATS.join(', ')}, got ${JSON.stringify(format)}`);
    const { signal } = options;
    const bytes = input instanceof ArrayBuffer ? new Uint8Array(input) : input;
    return this.#withImageSignal(signal, async (imageSignal) => {
      imageSignal?.throwIfAborted();
      const plan = splitOnLoad(stages);
      const meta = await probeImage(bytes, this.#limitInputPixels, imageSignal);
      this.#checkSizes(orientedSize(meta), plan.onLoad, plan.stages);
      const decoded = await this.#decode(bytes, plan.onLoad, meta, imageSignal);
      const raster = await this.#runStages(decoded.raster, plan.stages, imageSignal);
      imageSignal?.throwIfAborted();
      const t = performance.now();
      const { data } = await withDeadline(encodeToBuffer(raster, { format, quality: options.quality }), imageSignal, 'encoding');
      this.#times.encodeMs += performance.now() - t;
      this.#times.images++;
      return data;
    });
  }

  /**
   * Runs `work` under one image's signal: the caller's, plus the pipeline's
   * timeout. A rejection caused by either becomes that signal's reason (the
   * caller's own, or "timed out after N ms ...").
   */
  async #withImageSignal<T>(signal: AbortSignal | undefined, work: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    const deadline = this.#timeout === undefined ? undefined : deadlineSignal(this.#timeout);
    const sources = [signal, deadline?.signal].filter((s): s is AbortSignal => s !== undefined);
    const imageSignal = sources.length === 0 ? undefined : sources.length === 1 ? sources[0] : AbortSignal.any(sources);
    if (imageSignal) setMaxListeners(0, imageSignal); // every tile in flight listens to it
    try {
      return await work(imageSignal);
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (deadline?.signal.aborted) {
        const reason = deadline.signal.reason as Error;
        throw err instanceof Error && err.message.startsWith(reason.message) ? err : new Error(`${reason.message} while processing`);
      }
      throw err;
    } finally {
      deadline?.clear();
    }
  }

  /**
   * Checks the size every stage will produce, planned from the header, against
   * the pixel limit: a tiny input that a geometry op would blow up fails before
   * any memory is spent, naming the op. Returns the largest planned size.
   */
  #checkSizes(input: ImageSize, onLoad: OpInstance | undefined, stages: readonly Stage[]): number {
    const limit = this.#limitInputPixels === undefined ? DEFAULT_LIMIT_INPUT_PIXELS : this.#limitInputPixels;
    let size = input;
    let largest = size.width * size.height;
    const ops = [...(onLoad ? [onLoad] : []), ...stages.flatMap((s) => (s.kind === 'geometry' ? s.ops : []))];
    for (const inst of ops) {
      if (inst.def.kind !== 'geometry' || !inst.def.size) continue;
      size = inst.def.size(inst.params as never, size);
      const pixels = size.width * size.height;
      largest = Math.max(largest, pixels);
      if (limit !== false && pixels > limit) {
        throw new Error(`${inst.def.name} would make the image ${size.width}x${size.height} (${(pixels / 1e6).toFixed(0)} MP), over the pixel limit of ${limit} (limitInputPixels)`);
      }
    }
    return largest;
  }

  /** Reads `input`, runs the chain and writes `output` atomically (format from its extension unless given). */
  async processFile(input: string, output: string, options: ProcessOptions = {}): Promise<WrittenOutput> {
    const format = options.format ?? formatFromPath(output);
    if (!format) throw new ValidationError(`cannot tell the output format of "${output}"; give format`);
    const { stages } = await this.plan(options.ops);
    const { outputs: [written] } = await this.#processJob({ input, outputs: [{ path: output, format, quality: options.quality }] }, stages, options.signal);
    return written;
  }

  /** Runs the stages; a failure caused by the signal becomes the signal's reason. */
  async #runStages(raster: Raster, stages: readonly Stage[], signal?: AbortSignal): Promise<Raster> {
    try {
      return await this.#coordinator.run(raster, stages, signal);
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      throw err;
    }
  }

  async #processJob(job: FileJob, stages: readonly Stage[], signal?: AbortSignal, onEvent?: (e: PipelineEvent) => void): Promise<{ outputs: WrittenOutput[]; warning?: string }> {
    return this.#withImageSignal(signal, async (imageSignal) => {
      let t = performance.now();
      let bytes: Buffer | undefined = await readInput(job.input, imageSignal);
      this.#times.readMs += performance.now() - t;
      imageSignal?.throwIfAborted();
      const plan = splitOnLoad(stages);
      const meta = await probeImage(bytes, this.#limitInputPixels, imageSignal);
      const largest = this.#checkSizes(orientedSize(meta), plan.onLoad, plan.stages);
      const release = await this.#budget.acquire(imageBytes(largest, bytes.length), imageSignal);
      let decoded: DecodedImage | undefined;
      try {
        decoded = await this.#decode(bytes, plan.onLoad, meta, imageSignal);
        bytes = undefined; // the encoded input is not needed once decoded
        onEvent?.({ type: 'decoded', input: job.input, width: decoded.raster.width, height: decoded.raster.height });
        const raster = await this.#runStages(decoded.raster, plan.stages, imageSignal);
        const written: WrittenOutput[] = [];
        for (const out of job.outputs) {
          imageSignal?.throwIfAborted();
          t = performance.now();
          const metadata = out.keepMetadata ? decoded.metadata : undefined;
          const info = await encodeToFile(raster, out.path, { ...out, metadata }, { signal: imageSignal, within: out.within }, this.#parallel);
          this.#times.encodeMs += performance.now() - t;
          written.push({ ...info, path: out.path });
        }
        this.#times.images++;
        const warning = decoded.pages > 1 ? `${job.input}: ${decoded.pages} frames/pages; only the first was processed` : undefined;
        return { outputs: written, ...(warning ? { warning } : {}) };
      } finally {
        release();
        if (decoded) onEvent?.({ type: 'released', input: job.input });
      }
    });
  }

  /**
   * Processes many files with bounded run-ahead: at most `maxInFlight` images
   * are between read and write at once, and tiles of all of them share the
   * pool, so one image's decode and encode overlap others' tile work.
   * A failing file is reported in its result; the batch goes on. The chain is
   * validated before any file is read.
   */
  async processFiles(jobs: Iterable<FileJob> | AsyncIterable<FileJob>, options: BatchOptions = {}): Promise<FileResult[]> {
    const { stages } = await this.plan(options.ops);
    const results: FileResult[] = [];
    const { signal, onEvent } = options;
    await runBounded(jobs, this.maxInFlight, async (job) => {
      const start = performance.now();
      this.#times.inFlight++;
      this.#times.peakInFlight = Math.max(this.#times.peakInFlight, this.#times.inFlight);
      let result: FileResult;
      try {
        const { outputs, warning } = await this.#processJob(job, stages, signal, onEvent);
        result = { input: job.input, status: 'ok', outputs, ...(warning ? { warning } : {}), ms: performance.now() - start };
      } catch (err) {
        result = { input: job.input, status: 'failed', outputs: [], error: `${job.input}: ${oneLine(err)}`, ms: performance.now() - start };
      } finally {
        this.#times.inFlight--;
      }
      results.push(result);
      onEvent?.({ type: 'file', result });
    }, signal);
    return results;
  }

  /**
   * Processes files, directories and globs into `outDir`, mirroring their
   * trees, with format × width variants and an incremental manifest. Bad files
   * are reported per file (in events and the summary), never thrown.
   */
  run(options: RunOptions): Promise<RunSummary> {
    return runFolder(this, options);
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
    void runFolder(this, { ...options, onProgress: (e) => { options.onProgress?.(e); queue.push(e); wake?.(); } })
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
    return cachedVariants(this, this.#cache, this.#variantsInFlight, file, options);
  }

  /** The output cache, if any. */
  get cache(): OutputCache | undefined {
    return this.#cache;
  }

  /** Where time went so far (ms summed over images and tiles). */
  times(): PipelineTimes {
    const { inFlight: _ignored, ...io } = this.#times;
    return { ...io, ...this.#pool.times, ...this.#coordinator.times };
  }

  /** Ends the worker pool. The pipeline cannot be used afterwards. */
  async close(): Promise<void> {
    await this.#pool.close();
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
