/**
 * Folder runs: inputs (files, directories, globs) → an out-dir that mirrors
 * their trees, with format × width variants, name templates, and an
 * incremental manifest. The CLI and build tools both call this through
 * `Pipeline.run()`.
 */
import path from 'node:path';
import { formatOp, type OpSpec } from './chain.js';
import { expandInputs, type InputFile } from './inputs.js';
import { MANIFEST_NAME, Manifest, hashFile, keyOf, type ManifestEntry } from './manifest.js';
import { checkTemplate, defaultTemplate, renderName } from './naming.js';
import { FORMAT_EXTENSION, OUTPUT_FORMATS, formatFromPath, type OutputFormat } from './output.js';
import { ValidationError } from './param.js';
import type { FileJob, OutputSpec, Pipeline } from './pipeline.js';
import { runBounded } from './batch.js';

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
  /** Called once per input with its outcome. */
  readonly onEvent?: (event: FileEvent) => void;
  /** Called once planning is done, before any input is processed. */
  readonly onPlan?: (plan: { readonly inputs: number; readonly todo: number }) => void;
}

/** The outcome of one input (the CLI prints these as NDJSON with `--json`). */
export interface FileEvent {
  readonly type: 'file';
  readonly input: string;
  readonly outputs: string[];
  /** `planned`: a dry run would process it. */
  readonly status: 'ok' | 'skipped' | 'failed' | 'planned';
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
}

/** Runs a folder job on `pipeline`. Validation errors throw before any file is read; per-file errors are reported, not thrown. */
export async function runFolder(pipeline: Pipeline, options: RunOptions): Promise<RunSummary> {
  const start = performance.now();
  if (typeof options.outDir !== 'string' || options.outDir === '') throw new ValidationError('outDir is required');
  checkList('formats', options.formats, (f) => (OUTPUT_FORMATS as readonly string[]).includes(f), OUTPUT_FORMATS.join(' | '));
  checkList('widths', options.widths, (w) => Number.isInteger(w) && w >= 1 && w <= 100000, 'integers in [1, 100000]');
  if (options.quality !== undefined && !(Number.isInteger(options.quality) && options.quality >= 1 && options.quality <= 100)) {
    throw new ValidationError(`quality must be an integer in [1, 100], got ${JSON.stringify(options.quality)}`);
  }
  const widths = options.widths ?? [undefined];
  const template = options.name ?? defaultTemplate(options.widths !== undefined);
  checkTemplate(template, options.widths !== undefined);
  const { chain } = await pipeline.plan(options.ops);
  const cwd = options.cwd ?? process.cwd();
  const outDir = path.resolve(cwd, options.outDir);
  const manifest = await Manifest.load(outDir);
  // Files this tool wrote into the out-dir are outputs, not inputs (an out-dir inside an input folder).
  const files = (await expandInputs(options.inputs, { cwd, followSymlinks: options.followSymlinks }))
    .filter((f) => options.inPlace || !manifest.has(f.path));

  // Plan every output before any work: hashes, names, collisions, manifest.
  const events: FileEvent[] = [];
  const emit = (e: FileEvent): void => {
    events.push(e);
    options.onEvent?.(e);
  };
  const planned: PlannedInput[] = [];
  const manifestPath = path.join(outDir, MANIFEST_NAME);
  const owner = new Map<string, string>();
  const inputPaths = new Set(files.map((f) => f.path));
  const unreadable: Array<{ file: InputFile; error: string }> = [];
  const hashes = new Map<string, string>();
  await runBounded(files, 8, async (file) => {
    try {
      hashes.set(file.path, await hashFile(file.path));
    } catch (err) {
      unreadable.push({ file, error: `${file.path}: cannot read: ${(err as Error).message}` });
    }
  });
  for (const file of files) {
    const hash = hashes.get(file.path);
    if (hash === undefined) continue;
    const parsed = path.posix.parse(file.relative);
    const outputs: OutputSpec[] = [];
    for (const width of widths) {
      for (const format of options.formats ?? [formatFromPath(file.path) ?? 'png']) {
        const target = renderName(template, { dir: parsed.dir, name: parsed.name, ext: FORMAT_EXTENSION[format], width, format, hash: hash.slice(0, 8) }, outDir);
        if (target === manifestPath) throw new ValidationError(`${file.path} would be written over the manifest ${target}`);
        const other = owner.get(target);
        if (other !== undefined) throw new ValidationError(`${other} and ${file.path} would both write ${target}`);
        if (inputPaths.has(target) && !(options.inPlace && target === file.path)) {
          throw new ValidationError(`${file.path} would overwrite the input ${target}${options.inPlace ? '' : ' (use --in-place to replace inputs)'}`);
        }
        owner.set(target, file.path);
        outputs.push({ path: target, format, quality: options.quality, width, keepMetadata: Boolean(options.keepMetadata), within: outDir });
      }
    }
    const optionsKey = keyOf({ ops: chain.map(formatOp), outputs: outputs.map((o) => [o.format, o.quality, o.width, o.keepMetadata]) });
    planned.push({ file, hash, outputs, entry: { inputHash: hash, optionsKey } });
  }

  const todo: PlannedInput[] = [];
  for (const item of planned) {
    const fresh = !options.force && (await Promise.all(item.outputs.map((o) => manifest.isUpToDate(o.path, item.entry)))).every(Boolean);
    if (fresh) emit({ type: 'file', input: item.file.path, outputs: item.outputs.map((o) => o.path), status: 'skipped', ms: 0 });
    else todo.push(item);
  }
  options.onPlan?.({ inputs: files.length, todo: todo.length });
  for (const { error, file } of unreadable) emit({ type: 'file', input: file.path, outputs: [], status: 'failed', error, ms: 0 });

  let megapixels = 0;
  let manifestError: string | undefined;
  if (options.dryRun) {
    for (const item of todo) emit({ type: 'file', input: item.file.path, outputs: item.outputs.map((o) => o.path), status: 'planned', ms: 0 });
  } else if (todo.length > 0) {
    const byInput = new Map(todo.map((t) => [t.file.path, t]));
    const jobs: FileJob[] = todo.map((t) => ({ input: t.file.path, outputs: t.outputs }));
    let sinceSave = 0;
    try {
      await pipeline.processFiles(jobs, {
        ops: options.ops,
        signal: options.signal,
        onEvent: (e) => {
          if (e.type === 'decoded') megapixels += (e.width * e.height) / 1e6;
          if (e.type !== 'file') return;
          const r = e.result;
          if (r.status === 'failed' && options.signal?.aborted) return; // abandoned by the interrupt, not failed
          const item = byInput.get(r.input)!;
          if (r.status === 'ok') for (const o of r.outputs) manifest.record(o.path, item.entry);
          emit({ type: 'file', input: r.input, outputs: r.outputs.map((o) => o.path), status: r.status, ...(r.error ? { error: r.error } : {}), ...(r.warning ? { warning: r.warning } : {}), ms: Math.round(r.ms) });
          if (++sinceSave >= 100) {
            sinceSave = 0;
            void manifest.save().catch(() => {});
          }
        },
      });
    } finally {
      await manifest.save().catch((err: Error) => {
        manifestError = `cannot write the manifest in ${outDir}: ${err.message}`;
      });
    }
  }

  const count = (s: FileEvent['status']): number => events.filter((e) => e.status === s).length;
  const wallMs = Math.round(performance.now() - start);
  const ok = count('ok');
  return {
    type: 'summary',
    ok,
    skipped: count('skipped'),
    failed: count('failed'),
    planned: count('planned'),
    outputs: events.filter((e) => e.status === 'ok').reduce((n, e) => n + e.outputs.length, 0),
    megapixels: Math.round(megapixels * 100) / 100,
    wallMs,
    imagesPerSecond: wallMs > 0 ? Math.round((ok / wallMs) * 1e5) / 100 : 0,
    aborted: options.signal?.aborted ?? false,
    ...(manifestError ? { manifestError } : {}),
  };
}
