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
      const names = await fg.glob('**/*', { cwd: abs, onlyFiles: true, dot: false, followSymbolicLinks: follow });
      found = names.filter(isImageName).map((rel) => ({ path: path.join(abs, rel), relative: rel }));
    } else if (info) {
      found = [{ path: abs, relative: path.basename(abs) }];
    } else if (fg.isDynamicPattern(input)) {
      const pattern = path.isAbsolute(input) ? input : path.posix.join(fg.convertPathToPattern(cwd), input);
      const base = path.resolve(cwd, fg.generateTasks([input])[0]?.base ?? '.');
      const matches = await fg.glob(pattern, { onlyFiles: true, dot: false, followSymbolicLinks: follow, absolute: true });
      found = matches.map((m) => ({ path: path.normalize(m), relative: path.relative(base, m).split(path.sep).join('/') }));
    } else {
      throw new ValidationError(`input not found: ${input}`);
    }
    if (found.length === 0) throw new ValidationError(`no image files in ${input}`);
    found.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
    files.push(...found);
  }
  return files;
}
