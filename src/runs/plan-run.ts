/**
 * The first phase of a folder run: validate the run's options, expand the
 * inputs, hash every input (with deadlines), and name every output, refusing
 * collisions and overwrites before any work starts.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseOptions } from '../model/options.js';
import { parseEncode } from '../model/encoder-options.js';
import { ValidationError } from '../model/errors.js';
import { formatOp } from '../plan/chain.js';
import { FORMAT_EXTENSION, formatFromPath } from '../io/encode.js';
import type { Engine } from '../exec/engine.js';
import type { OutputSpec } from '../exec/types.js';
import { runBounded } from '../exec/bounded.js';
import { withDeadline } from '../exec/deadline.js';
import { expandInputs, type InputFile } from './expand-inputs.js';
import { hashFile, keyOf } from './hash.js';
import { MANIFEST_NAME, STAT_TRUST_MS, type Manifest } from './manifest.js';
import { checkTemplate, defaultTemplate, renderName } from './naming.js';
import { outputKey } from './cache.js';
import { shownPath } from '../io/content-hash.js';
import type { PlannedInput, RunOptions } from './run-types.js';

/** What planning found: inputs to consider, and inputs that failed before any work (with their one-line errors). */
export interface RunPlan {
  readonly inputs: number;
  readonly planned: PlannedInput[];
  readonly unreadable: Array<{ readonly file: InputFile; readonly error: string }>;
}

/** Validates a run's options through the option schema (the CLI and config files use the same). */
export function checkRunOptions(options: RunOptions): RunOptions {
  if (typeof options !== 'object' || options === null) throw new ValidationError('run options must be an object');
  if (typeof options.outDir !== 'string' || options.outDir === '') throw new ValidationError('outDir is required');
  if (!Array.isArray(options.inputs) || options.inputs.length === 0) throw new ValidationError('inputs must be a non-empty list of files, directories or globs');
  if (options.keepFiles !== undefined && typeof options.keepFiles !== 'boolean') {
    throw new ValidationError(`keepFiles must be true or false, got ${JSON.stringify(options.keepFiles)}`);
  }
  const parsed = parseOptions<RunOptions>('run', options);
  return { ...options, ...parsed, ...(parsed.encode !== undefined ? { encode: parseEncode(parsed.encode) } : {}) };
}

/** Plans a run into `outDir`; files the manifest lists are outputs, not inputs (unless in place). */
export async function planRun(engine: Engine, options: RunOptions, outDir: string, manifest: Manifest, signal: AbortSignal): Promise<RunPlan> {
  const cwd = options.cwd ?? process.cwd();
  const widths = options.widths ?? [undefined];
  const template = options.name ?? defaultTemplate(options.widths !== undefined);
  checkTemplate(template, options.widths !== undefined);
  const { chain } = await engine.plan(options.ops);
  const chainKey = chain.map(formatOp);
  // An out-dir inside an input folder is not walked; outputs the manifest lists are left out wherever they are.
  const files = (await expandInputs(options.inputs, { cwd, followSymlinks: options.followSymlinks, ignore: options.ignore, exclude: options.inPlace ? [] : [outDir] }))
    .filter((f) => options.inPlace || !manifest.has(f.path));

  const unreadable: Array<{ file: InputFile; error: string }> = [];
  const hashes = new Map<string, string>();
  /** Inputs whose size and modification time may stand for their content in later runs (see STAT_TRUST_MS). */
  const stats = new Map<string, { inputSize: number; inputMtimeMs: number }>();
  const relativeInput = (file: InputFile): string => path.relative(outDir, file.path).split(path.sep).join('/');
  await runBounded(files, 8, async (file) => {
    if (file.problem) {
      unreadable.push({ file, error: `${file.path}: ${file.problem}` });
      return;
    }
    const deadline = engine.timeout === undefined ? undefined : AbortSignal.timeout(engine.timeout);
    try {
      // An input unchanged since a run hashed it (same size and modification time) is not read again.
      const s = await withDeadline(stat(file.path), deadline, 'reading');
      const oldEnough = Date.now() - s.mtimeMs >= STAT_TRUST_MS;
      const known = options.force ? undefined : manifest.knownHash(relativeInput(file), s.size, s.mtimeMs);
      hashes.set(file.path, known ?? await hashFile(file.path, deadline));
      // Recorded only if the file was old enough when hashed and did not change while it was read.
      const after = known ? s : await withDeadline(stat(file.path), deadline, 'reading');
      if (oldEnough && after.size === s.size && after.mtimeMs === s.mtimeMs) stats.set(file.path, { inputSize: s.size, inputMtimeMs: s.mtimeMs });
    } catch (err) {
      const reason = deadline?.aborted ? `timed out after ${engine.timeout} ms while hashing` : (err as Error).message;
      unreadable.push({ file, error: `${file.path}: cannot read: ${reason}` });
    }
  }, signal);

  const planned: PlannedInput[] = [];
  const manifestPath = path.join(outDir, MANIFEST_NAME);
  const owner = new Map<string, string>();
  const inputPaths = new Set(files.map((f) => f.path));
  for (const file of files) {
    const hash = hashes.get(file.path);
    if (hash === undefined) continue;
    const parsed = path.posix.parse(file.relative);
    const outputs: OutputSpec[] = [];
    for (const width of widths) {
      for (const format of options.formats ?? [formatFromPath(file.path) ?? 'png']) {
        const fields = { dir: parsed.dir, name: parsed.name, ext: FORMAT_EXTENSION[format], srcext: parsed.ext.slice(1), width, format, hash: hash.slice(0, 8) };
        const target = renderName(template, fields, outDir);
        const shown = shownPath(target);
        if (target === manifestPath) throw new ValidationError(`${file.path} would be written over the manifest ${target}`);
        const other = owner.get(target);
        if (other !== undefined) {
          throw new ValidationError(
            `${other} and ${file.path} would both write ${shown}; keep both with a name template that tells them apart, e.g. --name '{dir}/{name}-{srcext}.{ext}'`,
          );
        }
        if (inputPaths.has(target) && !(options.inPlace && target === file.path)) {
          throw new ValidationError(`${file.path} would overwrite the input ${target}${options.inPlace ? '' : ' (use --in-place to replace inputs)'}`);
        }
        owner.set(target, file.path);
        const encoder = options.encode?.[format];
        outputs.push({ path: target, format, quality: options.quality, width, keepMetadata: Boolean(options.keepMetadata), within: outDir, ...(encoder ? { encoder } : {}) });
      }
    }
    // Encoder settings join the key only when given, so manifests written without them stay valid.
    const optionsKey = keyOf({ ops: chainKey, outputs: outputs.map((o) => [o.format, o.quality, o.width, o.keepMetadata, ...(o.encoder ? [o.encoder] : [])]) });
    planned.push({ file, hash, outputs, entry: { inputHash: hash, optionsKey, input: relativeInput(file), ...stats.get(file.path) }, keys: outputs.map((o) => outputKey(hash, chainKey, o)) });
  }
  return { inputs: files.length, planned, unreadable };
}
