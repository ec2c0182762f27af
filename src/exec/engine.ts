/**
 * The engine: one image or a batch of them, read → decode → tile stages
 * (workers) and geometry stages (sharp) → encode → write, with bounded
 * run-ahead, a memory budget and per-image deadlines. The public `Pipeline`
 * and the folder run are thin layers over it.
 */
import path from 'node:path';
import type { Metadata } from 'sharp';
import { resolveChain, type OpSpec, type OpInstance } from '../plan/chain.js';
import { needsPool, planChain, splitOnLoad, type Stage } from '../plan/plan.js';
import { createRegistry, type OpRegistry } from '../plan/registry.js';
import type { Raster } from '../model/raster.js';
import { EncodeError, InputError, ValidationError, classify } from '../model/errors.js';
import { parseFormat, parseOption } from '../model/options.js';
import { parseEncode } from '../model/encoder-options.js';
import { decodeImage, orientedSize, probeImage, type DecodedImage } from '../io/decode.js';
import { readInput } from '../io/read.js';
import { encodeToBuffer, encodeToFile, formatFromPath, type ParallelEncode } from '../io/encode.js';
import { transcodeDirect } from './direct.js';
import { Coordinator } from './coordinator.js';
import { withDeadline } from './deadline.js';
import { checkPlannedSizes, withImageSignal } from './image-guard.js';
import { MemoryBudget, imageBytes } from './memory-budget.js';
import { runBounded } from './bounded.js';
import { TilePool } from './worker/pool.js';
import { BufferPool } from './buffer-pool.js';
import { applySharpThreadBudget } from './sharp-settings.js';
import type { BatchOptions, FileJob, FileResult, PipelineEvent, PipelineTimes, ProcessOptions, WrittenOutput } from './types.js';

/** Settings of an engine, already validated (see `PipelineOptions` for each). */
export interface EngineSettings {
  readonly workers: number;
  readonly tileSize?: number;
  readonly maxInFlight: number;
  readonly limitInputPixels?: number | false;
  readonly plugins: readonly string[];
  readonly timeout?: number;
  readonly maxMemoryMb: number;
  readonly workerMemoryMb?: number;
  /** PNGs of at least this many pixels are deflated in bands on the workers; false: never. */
  readonly parallelPngMinPixels: number | false;
}

/** An error as one line. */
const oneLine = (err: unknown): string => (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, '; ').trim();

/** Runs chains over images on a worker pool. */
export class Engine {
  /** Worker threads in the pool. */
  readonly workers: number;
  /** Tile edge in pixels, or undefined for the measured default. */
  readonly tileSize: number | undefined;
  /** Bound on images in flight in {@link Engine.processFiles}. */
  readonly maxInFlight: number;
  /** Milliseconds one image may take from read to write, if limited. */
  readonly timeout: number | undefined;
  readonly #limitInputPixels: number | false | undefined;
  readonly #parallel: ParallelEncode | undefined;
  readonly #pool: TilePool;
  readonly #coordinator: Coordinator;
  readonly #registry: Promise<OpRegistry>;
  readonly #budget: MemoryBudget;
  /** Spent input buffers (encoded files), read into again: at most one per image in flight, plus one, and 64 MB. */
  readonly #inputBuffers: BufferPool;
  readonly #times = { readMs: 0, decodeMs: 0, encodeMs: 0, transcodeMs: 0, images: 0, inFlight: 0, peakInFlight: 0 };

  constructor(s: EngineSettings) {
    this.workers = s.workers;
    this.tileSize = s.tileSize;
    this.maxInFlight = s.maxInFlight;
    this.timeout = s.timeout;
    this.#limitInputPixels = s.limitInputPixels;
    this.#budget = new MemoryBudget(s.maxMemoryMb);
    this.#inputBuffers = new BufferPool(s.maxInFlight + 1, 64 << 20);
    const plugins = s.plugins.map((p) => path.resolve(p));
    applySharpThreadBudget();
    this.#registry = createRegistry(plugins);
    this.#registry.catch(() => {}); // surfaced by the first call that needs it
    this.#pool = new TilePool({ workers: s.workers, ...(s.workerMemoryMb !== undefined ? { workerMemoryMb: s.workerMemoryMb } : {}) });
    const minPixels = s.parallelPngMinPixels;
    this.#parallel = minPixels === false ? undefined : { run: (task, signal) => this.#pool.deflate(task, signal), window: s.workers * 2, minPixels };
    this.#coordinator = new Coordinator(this.#pool, { tileSize: s.tileSize, plugins });
  }

  /** The operations this engine knows (built-ins and plugins). */
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
    const decoded = await decodeImage(input, { limitInputPixels: this.#limitInputPixels, onLoad, metadata, signal }).catch((err: unknown) => {
      throw classify(err, InputError);
    });
    this.#times.decodeMs += performance.now() - t;
    return decoded;
  }

  /** Reads an image's header; a file that is not an image (or a damaged one) fails as an InputError. */
  #probe(bytes: Uint8Array, signal: AbortSignal | undefined): Promise<Metadata> {
    return probeImage(bytes, this.#limitInputPixels, signal).catch((err: unknown) => {
      throw classify(err, InputError);
    });
  }

  /** Decodes `input`, runs the chain, and encodes the result to `format` (default png). */
  async processBuffer(input: Uint8Array | ArrayBuffer, options: ProcessOptions = {}): Promise<Buffer> {
    if (!(input instanceof Uint8Array) && !(input instanceof ArrayBuffer)) {
      throw new ValidationError(`processBuffer takes the encoded image as a Buffer, Uint8Array or ArrayBuffer, got ${typeof input === 'string' ? 'a string (use processFile for paths)' : typeof input}`);
    }
    const { stages } = await this.plan(options.ops);
    const format = parseFormat(options.format ?? 'png');
    if (options.quality !== undefined) parseOption('quality', options.quality);
    const encoder = options.encode === undefined ? undefined : parseEncode(options.encode)[format];
    const { signal } = options;
    const bytes = input instanceof ArrayBuffer ? new Uint8Array(input) : input;
    return withImageSignal(this.timeout, signal, async (imageSignal) => {
      imageSignal?.throwIfAborted();
      const plan = splitOnLoad(stages);
      if (needsPool(plan.stages)) this.#pool.warm(); // worker start-up overlaps read and decode
      const meta = await this.#probe(bytes, imageSignal);
      checkPlannedSizes(this.#limitInputPixels, orientedSize(meta), plan.onLoad, plan.stages);
      const decoded = await this.#decode(bytes, plan.onLoad, meta, imageSignal);
      const raster = await this.#runStages(decoded.raster, plan.stages, imageSignal);
      imageSignal?.throwIfAborted();
      const t = performance.now();
      const { data } = await withDeadline(encodeToBuffer(raster, { format, quality: options.quality, ...(encoder ? { encoder } : {}) }).catch((err: unknown) => {
        throw classify(err, EncodeError);
      }), imageSignal, 'encoding');
      this.#times.encodeMs += performance.now() - t;
      this.#times.images++;
      return data;
    });
  }

  /** Reads `input`, runs the chain and writes `output` atomically (format from its extension unless given). */
  async processFile(input: string, output: string, options: ProcessOptions = {}): Promise<WrittenOutput> {
    if (options.format === undefined && !formatFromPath(output)) throw new ValidationError(`cannot tell the output format of "${output}"; give format`);
    const format = parseFormat(options.format ?? formatFromPath(output));
    if (options.quality !== undefined) parseOption('quality', options.quality);
    const encoder = options.encode === undefined ? undefined : parseEncode(options.encode)[format];
    const { stages } = await this.plan(options.ops);
    const out = { path: output, format, quality: options.quality, ...(encoder ? { encoder } : {}) };
    const { outputs: [written] } = await this.#processJob({ input, outputs: [out] }, stages, options.signal);
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
    return withImageSignal(this.timeout, signal, async (imageSignal) => {
      let t = performance.now();
      let bytes: Buffer<ArrayBuffer> | undefined = await readInput(job.input, imageSignal, this.#inputBuffers).catch((err: unknown) => {
        throw classify(err, InputError);
      });
      this.#times.readMs += performance.now() - t;
      imageSignal?.throwIfAborted();
      const plan = splitOnLoad(stages);
      if (needsPool(plan.stages)) this.#pool.warm(); // worker start-up overlaps read and decode
      const meta = await this.#probe(bytes, imageSignal);
      const largest = checkPlannedSizes(this.#limitInputPixels, orientedSize(meta), plan.onLoad, plan.stages);
      const release = await this.#budget.acquire(imageBytes(largest, bytes.length), imageSignal);
      let decoded: DecodedImage | undefined;
      try {
        t = performance.now();
        const direct = await transcodeDirect(job, bytes, plan, meta, { limitInputPixels: this.#limitInputPixels, parallel: this.#parallel }, imageSignal);
        if (direct) {
          this.#inputBuffers.give(bytes.buffer); // sharp's pipeline has finished with it
          this.#times.transcodeMs += performance.now() - t;
          onEvent?.({ type: 'decoded', input: job.input, width: direct.outputs[0].width, height: direct.outputs[0].height });
          this.#times.images++;
          return direct;
        }
        decoded = await this.#decode(bytes, plan.onLoad, meta, imageSignal);
        // The encoded input is not needed once decoded. On a failure it is dropped instead:
        // a decode abandoned at a deadline may still be reading it.
        this.#inputBuffers.give(bytes.buffer);
        bytes = undefined;
        onEvent?.({ type: 'decoded', input: job.input, width: decoded.raster.width, height: decoded.raster.height });
        const raster = await this.#runStages(decoded.raster, plan.stages, imageSignal);
        const written: WrittenOutput[] = [];
        for (const out of job.outputs) {
          imageSignal?.throwIfAborted();
          t = performance.now();
          const metadata = out.keepMetadata ? decoded.metadata : undefined;
          const info = await encodeToFile(raster, out.path, { ...out, metadata }, { signal: imageSignal, within: out.within }, this.#parallel).catch((err: unknown) => {
            throw classify(err, EncodeError);
          });
          this.#times.encodeMs += performance.now() - t;
          written.push(info); // info.path: out.path, or named after its bytes ({contenthash})
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

  /** Where time went so far (ms summed over images and tiles). */
  times(): PipelineTimes {
    const { inFlight: _ignored, ...io } = this.#times;
    return { ...io, ...this.#pool.times, ...this.#coordinator.times };
  }

  /** Ends the worker pool. The engine cannot be used afterwards. */
  async close(): Promise<void> {
    await this.#pool.close();
  }
}
