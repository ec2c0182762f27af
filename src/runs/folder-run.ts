/**
 * Folder runs: inputs (files, directories, globs) → an out-dir that mirrors
 * their trees, with format × width variants, name templates, and an
 * incremental manifest. The CLI and build tools both call this through
 * `Pipeline.run()`.
 */
import { copyFile, mkdir, unlink, writeFile } from 'node:fs/promises';
import { setMaxListeners } from 'node:events';
import path from 'node:path';
import { formatOp, type OpSpec } from '../plan/chain.js';
import { expandInputs, type InputFile } from './expand-inputs.js';
import { MANIFEST_NAME, Manifest, hashFile, keyOf, type ManifestEntry } from './manifest.js';
import { checkTemplate, defaultTemplate, renderName } from './naming.js';
import { FORMAT_EXTENSION, OUTPUT_FORMATS, formatFromPath, removeStaleTemps, tempPathFor, writeAtomic, type OutputFormat } from '../io/encode.js';
import { outputKey, type OutputRecord } from './cache.js';
import { ValidationError } from '../model/param.js';
import type { OutputSpec, Pipeline } from '../pipeline.js';
import { runBounded } from '../exec/bounded.js';

/** Options of a folder run. */
export interface RunOptions {
  /** Files, directories (walked recursively) and globs. */
  readonly inputs: readonly string[];
  /** Where outputs go; the tree below each input's base is mirrored. */
  readonly outDir: string;
  /** The chain applied to every input. */
  readonly ops?: readonly OpSpec[];
  /** Output formats (default: the input's format where tilepipe writes it, else png). */
  readonly formats?: readonly OutputFormat[];
  /** Width variants: every width × format is written. */
  readonly widths?: readonly number[];
  /** Encoder quality 1–100. */
  readonly quality?: number;
  /** Keep EXIF (textual tags) and write an sRGB profile; stripped by default. */
  readonly keepMetadata?: boolean;
  /** Output name template (default `{dir}/{name}.{ext}`, or `{dir}/{name}-{width}.{ext}` with widths). */
  readonly name?: string;
  /** Redo outputs the manifest says are up to date. */
  readonly force?: boolean;
  /** Report what would be done; read inputs, write nothing. */
  readonly dryRun?: boolean;
  /** Allow an output to replace its own input (atomically, via a temp file). Without it, such a run is refused. */
  readonly inPlace?: boolean;
  /** Follow symbolic links when walking directories and globs. */
  readonly followSymlinks?: boolean;
  /** Folder relative inputs resolve against (default: `process.cwd()`). */
  readonly cwd?: string;
  /** Stops the run: no new input starts, in-flight ones are abandoned, no partial files stay. */
  readonly signal?: AbortSignal;
  /** Called once per input with its outcome (the same objects as the CLI's NDJSON lines). */
  readonly onProgress?: (event: FileEvent) => void;
  /** Stop at the first failed input and reject with its error (default: failures are reported, never thrown). */
  readonly failOnError?: boolean;
  /** Called once planning is done, before any input is processed. */
  readonly onPlan?: (plan: { readonly inputs: number; readonly todo: number }) => void;
  /**
   * Keep every input's outcome in `summary.files` (default true). With false,
   * only failed inputs are kept (the counts stay complete): for very long runs
   * whose outcomes are consumed through `onProgress`, as the CLI does.
   */
  readonly keepFiles?: boolean;
}

/** The outcome of one input (the CLI prints these as NDJSON with `--json`). */
export interface FileEvent {
  readonly type: 'file';
  readonly input: string;
  /** Every output of the input; width, height and bytes once it exists. */
  readonly outputs: OutputRecord[];
  /** `planned`: a dry run would process it. */
  readonly status: 'ok' | 'skipped' | 'failed' | 'planned';
  /** Where an `ok` input's outputs came from when it was not processed: the cache, or an identical input in this run. */
  readonly from?: 'cache' | 'duplicate';
  readonly error?: string;
  /** e.g. that only the first frame of an animation was processed. */
  readonly warning?: string;
  readonly ms: number;
}

/** Totals of a run. */
export interface RunSummary {
  readonly type: 'summary';
  readonly ok: number;
  readonly skipped: number;
  readonly failed: number;
  readonly planned: number;
  /** Files written. */
  readonly outputs: number;
  /** Megapixels decoded. */
  readonly megapixels: number;
  readonly wallMs: number;
  readonly imagesPerSecond: number;
  /** Whether the signal stopped the run early. */
  readonly aborted: boolean;
  /** Set if the manifest could not be written (outputs are fine; the next run redoes them). */
  readonly manifestError?: string;
  /** Every input's outcome, in completion order (for srcset / picture markup); only the failed ones with `keepFiles: false`. */
  readonly files: FileEvent[];
}

function checkList<T>(name: string, list: readonly T[] | undefined, check: (v: T) => boolean, accepted: string): void {
  if (list === undefined) return;
  if (!Array.isArray(list) || list.length === 0 || !list.every(check)) {
    throw new ValidationError(`${name} must be a non-empty list of ${accepted}, got ${JSON.stringify(list)}`);
  }
}

interface PlannedInput {
  readonly file: InputFile;
  readonly hash: string;
  readonly outputs: OutputSpec[];
  readonly entry: ManifestEntry;
  /** Cache key per output. */
  readonly keys: string[];
}

/** The record of an output that exists: its size and modification time as written (the manifest checks both). */
type WrittenRecord = OutputRecord & { readonly bytes: number; readonly mtimeMs: number };

const pending = (o: OutputSpec): OutputRecord => ({ path: o.path, format: o.format, ...(o.width ? { width: o.width } : {}) });

/**
 * Runs a folder job on `pipeline`. Validation errors throw before any file is
 * read; per-file errors are reported, not thrown (unless `failOnError`).
 * Inputs whose outputs are up to date (manifest) are skipped; those whose
 * outputs are cached are copied from the cache; identical inputs in one run
 * are processed once.
 */
export async function runFolder(pipeline: Pipeline, options: RunOptions): Promise<RunSummary> {
  const start = performance.now();
  if (typeof options.outDir !== 'string' || options.outDir === '') throw new ValidationError('outDir is required');
  if (options.keepFiles !== undefined && typeof options.keepFiles !== 'boolean') {
    throw new ValidationError(`keepFiles must be true or false, got ${JSON.stringify(options.keepFiles)}`);
  }
  checkList('formats', options.formats, (f) => (OUTPUT_FORMATS as readonly string[]).includes(f), OUTPUT_FORMATS.join(' | '));
  checkList('widths', options.widths, (w) => Number.isInteger(w) && w >= 1 && w <= 100000, 'integers in [1, 100000]');
  if (options.quality !== undefined && !(Number.isInteger(options.quality) && options.quality >= 1 && options.quality <= 100)) {
    throw new ValidationError(`quality must be an integer in [1, 100], got ${JSON.stringify(options.quality)}`);
  }
  const widths = options.widths ?? [undefined];
  const template = options.name ?? defaultTemplate(options.widths !== undefined);
  checkTemplate(template, options.widths !== undefined);
  const { chain } = await pipeline.plan(options.ops);
  const chainKey = chain.map(formatOp);
  const cache = pipeline.cache;
  const cwd = options.cwd ?? process.cwd();
  const outDir = path.resolve(cwd, options.outDir);
  const manifest = await Manifest.load(outDir);
  // Files this tool wrote into the out-dir are outputs, not inputs: an out-dir inside an input
  // folder is not walked, and outputs the manifest lists are left out wherever they are.
  const files = (await expandInputs(options.inputs, { cwd, followSymlinks: options.followSymlinks, exclude: options.inPlace ? [] : [outDir] }))
    .filter((f) => options.inPlace || !manifest.has(f.path));

  // failOnError stops the run at the first failure.
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  setMaxListeners(0, signal);
  let firstError: string | undefined;
  const events: FileEvent[] = [];
  const counts: Record<FileEvent['status'], number> = { ok: 0, skipped: 0, failed: 0, planned: 0 };
  let outputs = 0;
  const keepFiles = options.keepFiles ?? true;
  const emit = (e: FileEvent): void => {
    counts[e.status]++;
    if (e.status === 'ok') outputs += e.outputs.length;
    if (keepFiles || e.status === 'failed') events.push(e);
    options.onProgress?.(e);
    if (e.status === 'failed' && options.failOnError && firstError === undefined) {
      firstError = e.error;
      stop.abort(new Error(e.error));
    }
  };

  // Plan every output before any work: hashes, names, collisions.
  const planned: PlannedInput[] = [];
  const manifestPath = path.join(outDir, MANIFEST_NAME);
  const owner = new Map<string, string>();
  const inputPaths = new Set(files.map((f) => f.path));
  const unreadable: Array<{ file: InputFile; error: string }> = [];
  const hashes = new Map<string, string>();
  await runBounded(files, 8, async (file) => {
    if (file.problem) {
      unreadable.push({ file, error: `${file.path}: ${file.problem}` });
      return;
    }
    const deadline = pipeline.timeout === undefined ? undefined : AbortSignal.timeout(pipeline.timeout);
    try {
      hashes.set(file.path, await hashFile(file.path, deadline));
    } catch (err) {
      const reason = deadline?.aborted ? `timed out after ${pipeline.timeout} ms while hashing` : (err as Error).message;
      unreadable.push({ file, error: `${file.path}: cannot read: ${reason}` });
    }
  }, signal);
  for (const file of files) {
    const hash = hashes.get(file.path);
    if (hash === undefined) continue;
    const parsed = path.posix.parse(file.relative);
    const outputs: OutputSpec[] = [];
    for (const width of widths) {
      for (const format of options.formats ?? [formatFromPath(file.path) ?? 'png']) {
        const srcext = parsed.ext.slice(1);
        const target = renderName(template, { dir: parsed.dir, name: parsed.name, ext: FORMAT_EXTENSION[format], srcext, width, format, hash: hash.slice(0, 8) }, outDir);
        if (target === manifestPath) throw new ValidationError(`${file.path} would be written over the manifest ${target}`);
        const other = owner.get(target);
        if (other !== undefined) {
          throw new ValidationError(
            `${other} and ${file.path} would both write ${target}; keep both with a name template that tells them apart, e.g. --name '{dir}/{name}-{srcext}.{ext}'`,
          );
        }
        if (inputPaths.has(target) && !(options.inPlace && target === file.path)) {
          throw new ValidationError(`${file.path} would overwrite the input ${target}${options.inPlace ? '' : ' (use --in-place to replace inputs)'}`);
        }
        owner.set(target, file.path);
        outputs.push({ path: target, format, quality: options.quality, width, keepMetadata: Boolean(options.keepMetadata), within: outDir });
      }
    }
    const optionsKey = keyOf({ ops: chainKey, outputs: outputs.map((o) => [o.format, o.quality, o.width, o.keepMetadata]) });
    const keys = outputs.map((o) => outputKey(hash, chainKey, o));
    planned.push({ file, hash, outputs, entry: { inputHash: hash, optionsKey }, keys });
  }

  // Up to date per the manifest: skipped, with what the manifest recorded.
  const todo: PlannedInput[] = [];
  for (const item of planned) {
    const sizes = options.force ? [] : await Promise.all(item.outputs.map((o) => manifest.upToDate(o.path, item.entry, o.path === item.file.path)));
    if (!options.force && sizes.every(Boolean)) {
      emit({ type: 'file', input: item.file.path, outputs: item.outputs.map((o, i) => ({ ...pending(o), ...sizes[i] })), status: 'skipped', ms: 0 });
    } else {
      todo.push(item);
    }
  }
  options.onPlan?.({ inputs: files.length, todo: todo.length });
  for (const { error, file } of unreadable) emit({ type: 'file', input: file.path, outputs: [], status: 'failed', error, ms: 0 });

  let megapixels = 0;
  let manifestError: string | undefined;
  const done = (item: PlannedInput, records: WrittenRecord[], from: FileEvent['from'], t0: number, warning?: string): void => {
    for (const r of records) manifest.record(r.path, item.entry, { width: r.width, height: r.height, bytes: r.bytes, mtimeMs: r.mtimeMs });
    emit({ type: 'file', input: item.file.path, outputs: records, status: 'ok', ...(from ? { from } : {}), ...(warning ? { warning } : {}), ms: Math.round(performance.now() - t0) });
  };
  const failed = (item: PlannedInput, error: string, t0: number): void =>
    emit({ type: 'file', input: item.file.path, outputs: item.outputs.map(pending), status: 'failed', error, ms: Math.round(performance.now() - t0) });
  /** Copies item's outputs from the cache, or from another item's finished outputs: the records, or the reason it failed. */
  const copyOutputs = async (item: PlannedInput, from?: WrittenRecord[]): Promise<WrittenRecord[] | Error> => {
    try {
      return await Promise.all(item.outputs.map(async (o, i) => {
        if (from) {
          const { size, mtimeMs } = await writeAtomic(o.path, (tmp) => copyFile(from[i].path, tmp), { signal, within: outDir });
          return { ...from[i], path: o.path, bytes: size, mtimeMs };
        }
        return cache!.restore(item.keys[i], o.format, o.path, { signal, within: outDir });
      }));
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  };
  const copied = (item: PlannedInput, result: WrittenRecord[] | Error, from: FileEvent['from'], t0: number): void => {
    if (!(result instanceof Error)) done(item, result, from, t0);
    else if (!signal.aborted) failed(item, `${item.file.path}: ${result.message.split('\n')[0]}`, t0);
  };

  if (!options.dryRun && todo.length > 0) {
    await checkWritable(outDir);
    // Temp files of runs that were killed here: removed once per folder this run writes into.
    for (const dir of new Set(todo.flatMap((t) => t.outputs.map((o) => path.dirname(o.path))))) await removeStaleTemps(dir);
  }
  if (options.dryRun) {
    for (const item of todo) emit({ type: 'file', input: item.file.path, outputs: item.outputs.map(pending), status: 'planned', ms: 0 });
  } else if (todo.length > 0) {
    // Identical input content with identical options: process one (the leader), copy to the rest.
    const groups = new Map<string, PlannedInput[]>();
    for (const item of todo) {
      const key = `${item.hash}/${item.entry.optionsKey}`;
      groups.set(key, [...(groups.get(key) ?? []), item]);
    }
    const leaders: PlannedInput[] = [];
    for (const [, [leader, ...followers]] of groups) {
      const t0 = performance.now();
      if (cache && !signal.aborted && (await Promise.all(leader.outputs.map((o, i) => cache.lookup(leader.keys[i], o.format)))).every(Boolean)) {
        const restored = await copyOutputs(leader);
        if (!(restored instanceof Error)) {
          done(leader, restored, 'cache', t0);
          for (const f of followers) copied(f, await copyOutputs(f, restored), 'cache', t0);
          continue;
        }
      }
      leaders.push(leader);
    }
    const followersOf = new Map([...groups.values()].map(([leader, ...rest]) => [leader.file.path, rest]));
    const byInput = new Map(todo.map((t) => [t.file.path, t]));
    const copies: Promise<void>[] = [];
    // Followers of a failed leader are processed on their own: the failure may be the leader's output's.
    const orphans: PlannedInput[] = [];
    const process = (items: PlannedInput[]) =>
      pipeline.processFiles(items.map((t) => ({ input: t.file.path, outputs: t.outputs })), {
        ops: options.ops,
        signal,
        onEvent: (e) => {
          if (e.type === 'decoded') megapixels += (e.width * e.height) / 1e6;
          if (e.type !== 'file') return;
          const r = e.result;
          if (r.status === 'failed' && signal.aborted && firstError === undefined) return; // abandoned by the interrupt, not failed
          const item = byInput.get(r.input)!;
          const t0 = performance.now() - r.ms;
          const followers = followersOf.get(r.input) ?? [];
          if (r.status === 'ok') {
            done(item, r.outputs, undefined, t0, r.warning);
            copies.push((async () => {
              if (cache) await Promise.all(r.outputs.map((o, i) => cache.store(item.keys[i], o.format, o.path).catch(() => {})));
              for (const f of followers) copied(f, await copyOutputs(f, r.outputs), 'duplicate', t0);
            })());
          } else {
            failed(item, r.error ?? `${r.input}: failed`, t0);
            orphans.push(...followers);
          }
        },
      });
    try {
      await process(leaders);
      followersOf.clear();
      if (orphans.length > 0 && !signal.aborted) await process(orphans);
      await Promise.all(copies);
    } finally {
      await manifest.save().catch((err: Error) => {
        manifestError = `cannot write the manifest in ${outDir}: ${err.message}`;
      });
    }
  }
  if (firstError !== undefined) throw new Error(firstError);

  const wallMs = Math.round(performance.now() - start);
  const ok = counts.ok;
  return {
    type: 'summary',
    ok,
    skipped: counts.skipped,
    failed: counts.failed,
    planned: counts.planned,
    outputs,
    megapixels: Math.round(megapixels * 100) / 100,
    wallMs,
    imagesPerSecond: wallMs > 0 ? Math.round((ok / wallMs) * 1e5) / 100 : 0,
    aborted: options.signal?.aborted ?? false,
    ...(manifestError ? { manifestError } : {}),
    files: events,
  };
}

/**
 * Fails the run up front, naming the real cause, if nothing can be written in
 * `outDir` (read-only folder or file system, no permission, a file in the way).
 */
async function checkWritable(outDir: string): Promise<void> {
  const probe = tempPathFor(path.join(outDir, 'write-check'));
  try {
    await mkdir(outDir, { recursive: true });
    await writeFile(probe, '');
    await unlink(probe);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied'
      : e.code === 'EROFS' ? 'read-only file system'
      : e.code === 'ENOTDIR' || e.code === 'EEXIST' ? 'a file is in the way'
      : e.message;
    throw new ValidationError(`cannot write to the out-dir ${outDir}: ${why} (${e.code ?? 'error'} on ${e.path ?? outDir})`);
  }
}
