/**
 * Folder runs: inputs (files, directories, globs) → an out-dir that mirrors
 * their trees, with format × width variants, name templates, and an
 * incremental manifest, in phases: plan (plan-run.ts) → skip what is up to
 * date → execute (execute-run.ts: dedupe, restore from the cache, process).
 * The CLI and build tools both call this through `Pipeline.run()`.
 */
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import { setMaxListeners } from 'node:events';
import path from 'node:path';
import { ValidationError } from '../model/errors.js';
import { removeStaleTemps, tempPathFor } from '../io/atomic-write.js';
import type { Engine } from '../exec/engine.js';
import type { OutputCache } from './cache.js';
import { Manifest } from './manifest.js';
import { whenIdle } from './when-idle.js';
import { checkRunOptions, planRun } from './plan-run.js';
import { executeRun } from './execute-run.js';
import { pruneOutputs } from './prune.js';
import { RunReport } from './run-report.js';
import { pending, type PlannedInput, type RunOptions, type RunSummary } from './run-types.js';

export type { FileEvent, RunOptions, RunSummary } from './run-types.js';

/**
 * Runs a folder job on the engine. Validation errors throw before any file is
 * read; per-file errors are reported, not thrown (unless `failOnError`).
 * Inputs whose outputs are up to date (manifest) are skipped; those whose
 * outputs are cached are copied from the cache; identical inputs in one run
 * are processed once.
 */
export async function runFolder(engine: Engine, cache: OutputCache | undefined, given: RunOptions): Promise<RunSummary> {
  const start = performance.now();
  const options = checkRunOptions(given);
  const outDir = path.resolve(options.cwd ?? process.cwd(), options.outDir);
  const manifest = await Manifest.load(outDir);
  // failOnError stops the run at the first failure.
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  setMaxListeners(0, signal);
  const report = new RunReport(options, manifest, stop);
  const { inputs, planned, unreadable } = await planRun(engine, options, outDir, manifest, signal);

  // Up to date per the manifest: skipped, with what the manifest recorded.
  const todo: PlannedInput[] = [];
  for (const item of planned) {
    const sizes = options.force ? [] : await Promise.all(item.outputs.map((o) => manifest.upToDate(o.path, item.entry, o.path === item.file.path)));
    if (!options.force && sizes.every(Boolean)) {
      report.emit({ type: 'file', input: item.file.path, outputs: item.outputs.map((o, i) => ({ ...pending(o), ...sizes[i] })), status: 'skipped', ms: 0 });
    } else {
      todo.push(item);
    }
  }
  options.onPlan?.({ inputs, todo: todo.length });
  for (const { error, file } of unreadable) report.emit({ type: 'file', input: file.path, outputs: [], status: 'failed', error, ms: 0 });

  let manifestError: string | undefined;
  const saveManifest = (): Promise<void> => manifest.save().catch((err: Error) => {
    manifestError = `cannot write the manifest in ${outDir}: ${err.message}`;
  });
  if (options.dryRun) {
    for (const item of todo) report.emit({ type: 'file', input: item.file.path, outputs: item.outputs.map(pending), status: 'planned', ms: 0 });
  } else if (todo.length > 0) {
    await checkWritable(outDir);
    // Temp files of runs that were killed here: removed once per folder this run writes into.
    for (const dir of new Set(todo.flatMap((t) => t.outputs.map((o) => path.dirname(o.path))))) await removeStaleTemps(dir);
    const preload = whenIdle(() => Manifest.preloadLock());
    try {
      await executeRun({ engine, cache, report, ops: options.ops, outDir, signal }, todo);
    } finally {
      preload.cancel();
      await saveManifest();
    }
  }
  if (report.firstError !== undefined) throw new Error(report.firstError);
  // After the work, so an interrupted run prunes nothing; the dry run only lists.
  const pruned = options.prune && !signal.aborted ? await pruneOutputs(manifest, outDir, Boolean(options.dryRun)) : undefined;
  if (pruned !== undefined && !options.dryRun) await saveManifest();

  const wallMs = Math.round(performance.now() - start);
  const { ok, skipped, failed, planned: plannedCount } = report.counts;
  return {
    type: 'summary',
    ok,
    skipped,
    failed,
    planned: plannedCount,
    outputs: report.outputs,
    megapixels: Math.round(report.megapixels * 100) / 100,
    wallMs,
    imagesPerSecond: wallMs > 0 ? Math.round((ok / wallMs) * 1e5) / 100 : 0,
    aborted: options.signal?.aborted ?? false,
    ...(manifestError ? { manifestError } : {}),
    ...(pruned !== undefined ? { pruned } : {}),
    files: report.events,
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
