/**
 * Atomic writes: a hidden temp file beside the target (naming this host and
 * process), renamed over the target only once complete; never outside a
 * given folder, even through symbolic links; and the sweep of temp files
 * that dead processes of this machine left behind.
 */
import { mkdir, readdir, realpath, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { withDeadline } from '../exec/deadline.js';
import { HOST_TAG, leftByDeadProcess } from './process-alive.js';
import { finalPath, shownPath } from './content-hash.js';

export { HOST_TAG } from './process-alive.js';

/** Matches a temp-file name; groups: host tag, pid. */
export const TEMP_NAME_RE = /\.tilepipe-tmp-([0-9a-f]{8})-(\d+)-[0-9a-f]+$/;

/**
 * Removes the temp files in `dir` that processes of this machine left when
 * they died (SIGKILL, power loss); those of live processes, and of other
 * machines sharing the folder, are kept. Returns how many were removed.
 */
export async function removeStaleTemps(dir: string): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const m = TEMP_NAME_RE.exec(name);
    if (!m || !leftByDeadProcess(m[1], Number(m[2]))) continue;
    await unlink(path.join(dir, name)).then(() => removed++, () => {});
  }
  return removed;
}

/** The temp-file name used while writing `target`: hidden, unique, in the same folder, naming this host and process. */
export function tempPathFor(target: string): string {
  const dir = path.dirname(target);
  return path.join(dir, `.${shownPath(path.basename(target))}.tilepipe-tmp-${HOST_TAG}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** How long an aborted {@link writeAtomic} waits for its abandoned writer to end, so as to remove its temp file. */
export const ABANDONED_WRITER_WAIT_MS = 1_000;

/** Options of {@link writeAtomic}. */
export interface WriteOptions {
  /** If aborted before the rename, the temp file is removed and the target is not touched. */
  readonly signal?: AbortSignal;
  /** Refuse to write unless the target's folder, with symbolic links resolved, is inside this folder. */
  readonly within?: string;
  /** What the writer does, for a timeout's message (`timed out … while <activity>`; default `writing`). */
  readonly activity?: string;
}

/** Whether path `p` is `root` or below it (both absolute, links already resolved). */
export function inside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Resolves symbolic links in the deepest existing ancestor of `dir` (the rest does not exist yet). */
export async function resolveExisting(dir: string): Promise<string> {
  let rest = '';
  let cur = dir;
  for (;;) {
    try {
      return path.join(await realpath(cur), rest);
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return dir;
      rest = path.join(path.basename(cur), rest);
      cur = parent;
    }
  }
}

async function checkWithin(root: string, dir: string): Promise<void> {
  const realRoot = await resolveExisting(path.resolve(root));
  if (!inside(realRoot, await resolveExisting(path.resolve(dir)))) {
    throw new Error(`refusing to write outside the out-dir: ${dir} resolves (through a symbolic link) outside ${root}`);
  }
}

/** What {@link writeAtomic} wrote: the writer's result, and the file's size and modification time. */
export interface AtomicWrite<T> {
  readonly value: T;
  readonly size: number;
  readonly mtimeMs: number;
  /** Where the file now is: `target`, or with a `{contenthash}` marker, `target` named after the bytes (content-hash.ts). */
  readonly path: string;
}

/**
 * Runs `write(tmp)` and renames `tmp` to `target`; removes `tmp` if anything
 * fails, or if the signal aborts meanwhile (then `target` is not touched, and
 * a writer still running is abandoned and its temp file removed once it
 * ends; an abort that is not a timeout waits for that, up to
 * {@link ABANDONED_WRITER_WAIT_MS}, so the temp file is gone when this rejects). The size and mtime are those of the file renamed into place, read
 * before the rename, so they describe this write even if another process
 * replaces `target` right after. A target whose file name carries the
 * content-hash marker is renamed to its content hash instead.
 */
export async function writeAtomic<T>(target: string, write: (tmp: string) => Promise<T>, options: WriteOptions = {}): Promise<AtomicWrite<T>> {
  const { signal, within } = options;
  const dir = path.dirname(target);
  if (within) await checkWithin(within, dir); // before mkdir, which would follow a link
  await mkdir(dir, { recursive: true });
  if (within) await checkWithin(within, dir);
  const tmp = tempPathFor(target);
  const removeTmp = (): Promise<void> => unlink(tmp).catch(() => {});
  let work: Promise<T> | undefined;
  try {
    signal?.throwIfAborted();
    work = write(tmp);
    const value = await withDeadline(work, signal, options.activity ?? 'writing');
    signal?.throwIfAborted();
    const s = await stat(tmp);
    const final = await finalPath(target, tmp);
    signal?.throwIfAborted();
    await rename(tmp, final);
    return { value, size: s.size, mtimeMs: s.mtimeMs, path: final };
  } catch (err) {
    await removeTmp();
    if (work) {
      const cleaned = work.then(removeTmp, removeTmp); // an abandoned writer may create the file after this
      // An interrupted run waits for its abandoned writer (up to a bound), so that no temp file outlives
      // the run; a writer past its deadline may never end, so it is not waited for.
      // (tilepipe's TimeoutError and AbortSignal.timeout()'s DOMException are both named TimeoutError.)
      if (signal?.aborted && (signal.reason as Error | undefined)?.name !== 'TimeoutError') {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([cleaned, new Promise<void>((done) => { timer = setTimeout(done, ABANDONED_WRITER_WAIT_MS); })]);
        clearTimeout(timer);
      }
    }
    throw err;
  }
}
