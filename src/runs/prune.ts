/**
 * `--prune`: removes the outputs of an out-dir whose input is gone, as the
 * manifest records them. Nothing the manifest does not list is touched, nor
 * an output changed since it was written (its size or modification time
 * differ from the record), nor one recorded without its input's path.
 * Outputs named after their content that a later output of the same input
 * and name replaced (superseded `{contenthash}` files) are removed too.
 */
import { stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { inside } from '../io/atomic-write.js';
import type { Manifest } from './manifest.js';

/** Whether `file` is gone (ENOENT or ENOTDIR); a file that cannot be checked counts as present. */
async function gone(file: string): Promise<boolean> {
  return stat(file).then(() => false, (err: NodeJS.ErrnoException) => err.code === 'ENOENT' || err.code === 'ENOTDIR');
}

/** Removes (or with `dryRun`, lists) the outputs whose input is gone, or that are superseded; returns their paths. */
export async function pruneOutputs(manifest: Manifest, outDir: string, dryRun: boolean): Promise<string[]> {
  const pruned: string[] = [];
  for (const { output, entry, superseded } of manifest.outputs()) {
    if (entry.input === undefined || !inside(outDir, output)) continue;
    if (!superseded && !(await gone(path.resolve(outDir, entry.input)))) continue;
    const s = await stat(output).catch(() => undefined);
    if (!s) {
      if (!dryRun) manifest.forget(output); // already removed by hand: only the record goes
      continue;
    }
    if (!s.isFile() || s.size !== entry.bytes || s.mtimeMs !== entry.mtimeMs) continue; // changed since written: not ours to remove
    if (!dryRun) {
      await unlink(output);
      manifest.forget(output);
    }
    pruned.push(output);
  }
  return pruned;
}
