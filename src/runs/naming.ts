/**
 * Output naming for folder runs: a template such as `{dir}/{name}.{ext}`
 * rendered per input and variant, refused if it could land outside the out-dir.
 */
import path from 'node:path';
import { ValidationError } from '../model/errors.js';
import { CONTENT_HASH_MARK, shownPath } from '../io/content-hash.js';

/** Placeholders a name template may use. */
export const NAME_FIELDS = ['dir', 'name', 'ext', 'srcext', 'width', 'format', 'hash', 'contenthash'] as const;

/** Values for one rendering of a template. */
export interface NameFields {
  /** Folder of the input below its base (`''` at the top). */
  readonly dir: string;
  /** Input file name without its extension. */
  readonly name: string;
  /** Extension of the output format (`jpg`, `png`, ...). */
  readonly ext: string;
  /** Extension of the input file as it is spelled, without the dot (`JPG`, `gif`, ...; empty if none). */
  readonly srcext: string;
  /** The variant width, if any. */
  readonly width?: number;
  /** Output format name (`jpeg`, `png`, ...). */
  readonly format: string;
  /** First 8 hex digits of the input's SHA-256. */
  readonly hash: string;
}

/**
 * `{contenthash}` is not a field: it is the first 8 hex digits of the
 * output's own SHA-256, known only once the output is encoded, so the
 * rendered path carries a marker that the write replaces (io/content-hash.ts).
 */

/** The default template: the input's place in the tree, with `-{width}` when there are width variants. */
export function defaultTemplate(hasWidths: boolean): string {
  return hasWidths ? '{dir}/{name}-{width}.{ext}' : '{dir}/{name}.{ext}';
}

/** Checks a template's syntax: known placeholders only, not absolute, `{width}` only with width variants. */
export function checkTemplate(template: string, hasWidths: boolean): void {
  if (typeof template !== 'string' || template.trim() === '') throw new ValidationError('name template must be a non-empty string');
  for (const m of template.matchAll(/\{([^}]*)\}/g)) {
    if (!(NAME_FIELDS as readonly string[]).includes(m[1])) {
      throw new ValidationError(`name template: unknown placeholder {${m[1]}}; valid: ${NAME_FIELDS.map((f) => `{${f}}`).join(' ')}`);
    }
  }
  if (path.isAbsolute(template) || /^[a-zA-Z]:/.test(template)) {
    throw new ValidationError(`name template "${template}" is absolute; outputs must stay inside the out-dir`);
  }
  if (/\{contenthash\}.*[/\\]/.test(template)) {
    throw new ValidationError(`name template "${template}": {contenthash} may only be used in the file name, not in a folder`);
  }
  if (template.includes('{width}') && !hasWidths) {
    throw new ValidationError('name template uses {width}, which needs width variants (--width)');
  }
}

/**
 * Renders a template and resolves it inside `outDir`. Throws a
 * ValidationError if the result would escape `outDir` (via `..`) or is empty.
 */
export function renderName(template: string, fields: NameFields, outDir: string): string {
  const rendered = template.replace(/\{(\w+)\}/g, (_, key: string) => {
    if (key === 'contenthash') return CONTENT_HASH_MARK;
    const value = fields[key as keyof NameFields];
    return value === undefined ? '' : String(value);
  });
  const root = path.resolve(outDir);
  const target = path.resolve(root, rendered.replace(/^[/\\]+/, ''));
  if (path.dirname(target).includes(CONTENT_HASH_MARK)) {
    throw new ValidationError(`name template "${template}" gives "${shownPath(rendered)}", with {contenthash} in a folder: it may only be used in the file name`);
  }
  const rel = path.relative(root, target);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    throw new ValidationError(`name template "${template}" gives "${rendered}", which is outside the out-dir`);
  }
  return target;
}
