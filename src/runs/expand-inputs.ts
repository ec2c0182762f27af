/**
 * Input expansion for folder runs: files, directories (walked recursively,
 * image files only, hidden entries skipped) and globs, each file paired with
 * the base folder its output path mirrors.
 *
 * The walk is tilepipe's own (globs are matched with picomatch, the matcher
 * fast-glob uses): it follows symbolic links only when asked, and then visits
 * each directory once by (device, inode), so a link loop ends; it never
 * descends into excluded folders (the out-dir); and it reports what it cannot
 * process (a FIFO, a device, a folder named like an image, a format tilepipe
 * does not read) as inputs with a `problem`, so that they fail visibly
 * instead of hanging the run or vanishing.
 */
import { lstat, opendir, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type FastGlob from 'fast-glob';
import type Picomatch from 'picomatch';
import { ValidationError } from '../model/errors.js';

/** Extensions a directory walk picks up (case-insensitive). */
export const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'jpe', 'png', 'webp', 'gif', 'tif', 'tiff', 'avif', 'heic', 'heif', 'svg'] as const;

/** Image formats a walk recognises but tilepipe cannot read: listed as failed, never skipped silently. */
export const UNSUPPORTED_IMAGE_EXTENSIONS = [
  'jp2', 'j2k', 'jpx', 'jxl', 'bmp', 'ico', 'psd', 'exr', 'hdr', 'tga', 'dng', 'cr2', 'cr3', 'nef', 'arw', 'orf', 'rw2', 'raf',
] as const;

/** One input file: its absolute path and its path relative to the base its output mirrors. */
export interface InputFile {
  readonly path: string;
  /** Path below the input's base, with `/` separators (e.g. `trips/2024/a.jpg`). */
  readonly relative: string;
  /** Why this input cannot be processed (it is reported as failed with this reason). */
  readonly problem?: string;
}

/** Options of {@link expandInputs}. */
export interface ExpandOptions {
  /** Folder relative inputs resolve against (default: `process.cwd()`). */
  readonly cwd?: string;
  /** Follow symbolic links in directory walks and globs (default: false). */
  readonly followSymlinks?: boolean;
  /** Folders never walked into (absolute paths): the out-dir, so that outputs are never taken as inputs. */
  readonly exclude?: readonly string[];
  /**
   * Globs of inputs to leave out, matched against a file's path below its
   * input folder and against its path from `cwd`; a pattern without a slash
   * matches the file name at any depth (`*.tmp.jpg`, `drafts/**`).
   */
  readonly ignore?: readonly string[];
}

// Loaded on first use: a run over named files never needs them (~45 ms of start-up).
const require = createRequire(import.meta.url);
const fg = (): typeof FastGlob => require('fast-glob') as typeof FastGlob;
const picomatch = (...args: Parameters<typeof Picomatch>): ReturnType<typeof Picomatch> => (require('picomatch') as typeof Picomatch)(...args);

const IMAGE_RE = new RegExp(`\\.(${IMAGE_EXTENSIONS.join('|')})$`, 'i');
const UNSUPPORTED_RE = new RegExp(`\\.(${UNSUPPORTED_IMAGE_EXTENSIONS.join('|')})$`, 'i');

/** A glob's static folder (`photos/2024` of `photos/2024/**\/*.jpg`), relative; '' when the glob starts with a pattern. */
export function globBase(glob: string): string {
  const base = fg().generateTasks([glob])[0]?.base;
  return base && base !== '.' ? base : '';
}

/** Whether a file name has an image extension a directory walk picks up. */
export function isImageName(name: string): boolean {
  return IMAGE_RE.test(name);
}

/** What kind of non-regular file `s` is, for messages. */
function kindOf(s: Stats): string {
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a FIFO';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/** The problem of a path whose (followed) stat is `s`, if it cannot be an input. */
export function problemOf(name: string, s: Stats): string | undefined {
  if (!s.isFile()) return `not a regular file (${kindOf(s)})`;
  if (UNSUPPORTED_RE.test(name)) return `unsupported format (.${path.extname(name).slice(1).toLowerCase()}); tilepipe reads ${IMAGE_EXTENSIONS.join(', ')}`;
  return undefined;
}

interface WalkOptions {
  readonly follow: boolean;
  readonly exclude: ReadonlySet<string>;
  /** Keeps a file whose path relative to the walk's root is `rel`. */
  readonly match: (rel: string) => boolean;
  /** Folder levels below the root to enter (Infinity for all). */
  readonly depth: number;
}

/** Walks `root`, returning every matching entry that is an input or a visible problem. */
async function walk(root: string, o: WalkOptions): Promise<InputFile[]> {
  const found: InputFile[] = [];
  const seen = new Set<string>();
  const visit = async (dir: string, rel: string, level: number, s: Stats): Promise<void> => {
    const id = `${s.dev}:${s.ino}`;
    if (seen.has(id) || (level > 0 && o.exclude.has(dir))) return; // a link loop, a folder reached twice, or the out-dir inside
    seen.add(id);
    let handle;
    try {
      handle = await opendir(dir);
    } catch (err) {
      if (level === 0) throw err;
      found.push({ path: dir, relative: rel, problem: `cannot read the folder: ${(err as Error).message}` });
      return;
    }
    const subdirs: Array<[string, string, Stats]> = [];
    for await (const entry of handle) {
      if (entry.name.startsWith('.')) continue;
      const abs = path.join(dir, entry.name);
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      let info: Stats | undefined;
      if (entry.isSymbolicLink()) {
        if (!o.follow) continue;
        info = await stat(abs).catch(() => undefined);
        if (!info) {
          if (isImageName(entry.name) && o.match(childRel)) found.push({ path: abs, relative: childRel, problem: 'broken symbolic link' });
          continue;
        }
      }
      const isDir = info ? info.isDirectory() : entry.isDirectory();
      if (isDir && level < o.depth) subdirs.push([abs, childRel, info ?? (await stat(abs))]);
      const imageLike = isImageName(entry.name) || UNSUPPORTED_RE.test(entry.name);
      if (!imageLike || !o.match(childRel)) continue;
      if (entry.isFile() && !UNSUPPORTED_RE.test(entry.name)) {
        found.push({ path: abs, relative: childRel });
      } else {
        const s = info ?? (await lstat(abs));
        const problem = problemOf(entry.name, s);
        found.push({ path: abs, relative: childRel, ...(problem ? { problem } : {}) });
      }
    }
    for (const [abs, childRel, s] of subdirs) await visit(abs, childRel, level + 1, s);
  };
  await visit(root, '', 0, await stat(root));
  return found;
}

/** Folder levels a glob can match below its base: Infinity with `**`, else its segment count. */
function globDepth(pattern: string): number {
  return pattern.includes('**') ? Infinity : pattern.split('/').length - 1;
}

/**
 * Expands inputs into files, sorted per input. A path that exists is a file or
 * a directory; otherwise a dynamic pattern is a glob. A path that neither
 * exists nor is a pattern raises a ValidationError, as does an input matching
 * nothing. A file reached twice (listed twice, or a folder and a file inside
 * it) is kept once, where it first appears.
 */
export async function expandInputs(inputs: readonly string[], options: ExpandOptions = {}): Promise<InputFile[]> {
  const cwd = options.cwd ?? process.cwd();
  const follow = options.followSymlinks ?? false;
  const exclude = new Set((options.exclude ?? []).map((p) => path.resolve(cwd, p)));
  // Patterns with a slash match paths; patterns without one match file names.
  const byPath = (options.ignore ?? []).filter((p) => p.includes('/'));
  const byName = (options.ignore ?? []).filter((p) => !p.includes('/'));
  const pathMatch = byPath.length ? picomatch(byPath, { dot: true }) : () => false;
  const nameMatch = byName.length ? picomatch(byName, { dot: true }) : () => false;
  const ignored = (f: InputFile): boolean =>
    nameMatch(path.basename(f.path)) || pathMatch(f.relative) || pathMatch(path.relative(cwd, f.path).split(path.sep).join('/'));
  const files: InputFile[] = [];
  const taken = new Set<string>();
  for (const input of inputs) {
    const abs = path.resolve(cwd, input);
    const info = await stat(abs).catch(() => undefined);
    let found: InputFile[];
    if (info?.isDirectory()) {
      found = await walk(abs, { follow, exclude, match: () => true, depth: Infinity });
    } else if (info) {
      const problem = problemOf(abs, info);
      found = [{ path: abs, relative: path.basename(abs), ...(problem ? { problem } : {}) }];
    } else if (fg().isDynamicPattern(input)) {
      const baseRel = globBase(input);
      const base = path.resolve(cwd, baseRel);
      const rest = baseRel ? input.slice(baseRel.length).replace(/^\/+/, '') : input.replace(/^\.\//, '');
      const isMatch = picomatch(rest, { dot: false });
      const exists = await stat(base).then((s) => s.isDirectory(), () => false);
      found = exists ? await walk(base, { follow, exclude, match: isMatch, depth: globDepth(rest) }) : [];
    } else {
      throw new ValidationError(`input not found: ${input}`);
    }
    if (found.length === 0) throw new ValidationError(`no image files in ${input}`);
    found.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
    for (const f of found) {
      if (taken.has(f.path) || ignored(f)) continue;
      taken.add(f.path);
      files.push(f);
    }
  }
  return files;
}
