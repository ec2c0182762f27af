/**
 * Input expansion for folder runs: files, directories (walked recursively,
 * image files only, hidden entries skipped) and globs, each file paired with
 * the base folder its output path mirrors.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import fg from 'fast-glob';
import { ValidationError } from './param.js';

/** Extensions a directory walk picks up (case-insensitive). */
export const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'jpe', 'png', 'webp', 'gif', 'tif', 'tiff', 'avif', 'heic', 'heif', 'svg'] as const;

/** One input file: its absolute path and its path relative to the base its output mirrors. */
export interface InputFile {
  readonly path: string;
  /** Path below the input's base, with `/` separators (e.g. `trips/2024/a.jpg`). */
  readonly relative: string;
}

/** Options of {@link expandInputs}. */
export interface ExpandOptions {
  /** Folder relative inputs resolve against (default: `process.cwd()`). */
  readonly cwd?: string;
  /** Follow symbolic links in directory walks and globs (default: false). */
  readonly followSymlinks?: boolean;
}

const IMAGE_RE = new RegExp(`\\.(${IMAGE_EXTENSIONS.join('|')})$`, 'i');

/** Whether a file name has an image extension a directory walk picks up. */
export function isImageName(name: string): boolean {
  return IMAGE_RE.test(name);
}

function walkOptions(follow: boolean) {
  return { onlyFiles: false, dot: false, followSymbolicLinks: follow, objectMode: true } as const;
}

/**
 * Which walk entries are inputs: files, and also directories whose names look
 * like images (they then fail visibly, "is a directory", instead of vanishing).
 * Symbolic links are skipped unless followed.
 */
function keep(entry: fg.Entry, follow: boolean): boolean {
  const d = entry.dirent;
  if (d.isSymbolicLink()) return follow;
  return d.isFile() || (d.isDirectory() && isImageName(entry.name));
}

/**
 * Expands inputs into files, sorted per input. A path that exists is a file or
 * a directory; otherwise a dynamic pattern is a glob. A path that neither
 * exists nor is a pattern raises a ValidationError, as does an input matching nothing.
 */
export async function expandInputs(inputs: readonly string[], options: ExpandOptions = {}): Promise<InputFile[]> {
  const cwd = options.cwd ?? process.cwd();
  const follow = options.followSymlinks ?? false;
  const files: InputFile[] = [];
  for (const input of inputs) {
    const abs = path.resolve(cwd, input);
    const info = await stat(abs).catch(() => undefined);
    let found: InputFile[];
    if (info?.isDirectory()) {
      const entries = await fg.glob('**/*', { cwd: abs, ...walkOptions(follow) });
      found = entries.filter((e) => keep(e, follow) && isImageName(e.name)).map((e) => ({ path: path.join(abs, e.path), relative: e.path }));
    } else if (info) {
      found = [{ path: abs, relative: path.basename(abs) }];
    } else if (fg.isDynamicPattern(input)) {
      const pattern = path.isAbsolute(input) ? input : path.posix.join(fg.convertPathToPattern(cwd), input);
      const base = path.resolve(cwd, fg.generateTasks([input])[0]?.base ?? '.');
      const entries = await fg.glob(pattern, { ...walkOptions(follow), absolute: true });
      found = entries.filter((e) => keep(e, follow)).map((e) => ({ path: path.normalize(e.path), relative: path.relative(base, e.path).split(path.sep).join('/') }));
    } else {
      throw new ValidationError(`input not found: ${input}`);
    }
    if (found.length === 0) throw new ValidationError(`no image files in ${input}`);
    found.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
    files.push(...found);
  }
  return files;
}
