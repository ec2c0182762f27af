/**
 * The `?tilepipe&…` import query, parsed once for every bundler integration:
 * the chain (`op`, repeatable), `format` (a list with `as=picture`),
 * `widths`, `quality`, encoder settings, `as`, `placeholder`, and `sizes` and
 * `alt` for `as=picture-html`. The values go through the option schema, as
 * the CLI's and the library's do.
 */
import { ENCODER_OPTIONS, parseEncoderSettings, type EncodeSettings } from '../model/encoder-options.js';
import { parseOption, type OutputFormat } from '../model/options.js';
import { ValidationError } from '../model/errors.js';
import { PLACEHOLDER_KINDS, type PlaceholderKind } from '../web/placeholder.js';

/** What an import asks for, parsed from its query. */
export interface TilepipeRequest {
  /** The image file (absolute path). */
  readonly file: string;
  /** The chain, in the order of the `op` parameters. */
  readonly ops: string[];
  /** Output formats (`format=`; default webp; several, e.g. `avif,webp,jpeg`, only with `as=picture`/`picture-html`, the last one the fallback). */
  readonly formats: OutputFormat[];
  /** Width variants (`widths=480,960`); absent: the processed image's own width. */
  readonly widths?: number[];
  /** Encoder quality 1–100 (`quality=`). */
  readonly quality?: number;
  /** Encoder settings per format (`effort=6`, `lossless`, `progressive`, … by their library names; each checked against every format). */
  readonly encode?: EncodeSettings;
  /** What the module's default export is: a URL, a srcset string, an image's meta, a picture, or its HTML. */
  readonly as: ImportKind;
  /** A placeholder to add to `meta` and `picture` (`placeholder=`). */
  readonly placeholder?: PlaceholderKind;
  /** `sizes=` for `as=picture-html`. */
  readonly sizes?: string;
  /** `alt=` for `as=picture-html` (default empty). */
  readonly alt?: string;
}

/** The values of `as=`: what a `?tilepipe` import gives. */
export const IMPORT_KINDS = ['url', 'srcset', 'meta', 'picture', 'picture-html'] as const;

/** What a `?tilepipe` import gives (`as=`). */
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** The query parameter that marks an import for tilepipe. */
export const QUERY_MARKER = 'tilepipe';

/** Query parameters Vite itself adds to module ids; ignored. */
const VITE_PARAMS = new Set(['import', 't', 'v', 'used', 'url', 'direct']);
const OWN_PARAMS = ['op', 'format', 'widths', 'quality', 'as', 'placeholder', 'sizes', 'alt'];
const KNOWN_PARAMS = new Set([QUERY_MARKER, ...OWN_PARAMS, ...ENCODER_OPTIONS]);

/**
 * Parses a module id such as `/app/photo.jpg?tilepipe&op=blur:sigma=2&format=webp`.
 * Returns undefined for ids that are not tilepipe imports; throws a
 * ValidationError for a tilepipe import whose query is invalid (the op chain
 * itself is validated later by the pipeline).
 */
export function parseTilepipeId(id: string): TilepipeRequest | undefined {
  const q = id.indexOf('?');
  if (q < 0 || id.startsWith('\0')) return undefined;
  const params = new URLSearchParams(id.slice(q + 1));
  if (!params.has(QUERY_MARKER)) return undefined;
  const file = id.slice(0, q);
  for (const key of new Set(params.keys())) {
    if (!KNOWN_PARAMS.has(key) && !VITE_PARAMS.has(key)) {
      throw new ValidationError(`unknown query parameter "${key}"; valid: ${OWN_PARAMS.join(', ')}, ${ENCODER_OPTIONS.join(', ')}`);
    }
  }
  for (const [key, value] of params) {
    if (/[\u0000-\u001f\u007f]/.test(value)) throw new ValidationError(`"${key}" holds a control character`);
  }
  for (const key of [...OWN_PARAMS.filter((k) => k !== 'op'), ...ENCODER_OPTIONS]) {
    if (params.getAll(key).length > 1) throw new ValidationError(`"${key}" may be given once`);
  }
  const ops = params.getAll('op');
  if (ops.some((op) => op.trim() === '')) throw new ValidationError('empty "op" parameter');
  // Values go through the option schema, as the CLI's and the library's do.
  const formats = parseOption('formats', params.get('format') ?? 'webp', { text: true }) as OutputFormat[];
  if (new Set(formats).size !== formats.length) throw new ValidationError(`format lists "${params.get('format')}" with a format twice`);
  const w = params.get('widths');
  const widths = w === null ? undefined : (parseOption('widths', w, { text: true }) as number[]);
  const qs = params.get('quality');
  const quality = qs === null ? undefined : (parseOption('quality', qs.trim(), { text: true }) as number);
  // Encoder settings by their library names; a bare `&lossless` means true; each must apply to every format.
  const given = Object.fromEntries(ENCODER_OPTIONS.filter((n) => params.has(n)).map((n) => [n, params.get(n) === '' ? 'true' : params.get(n)]));
  const encode = Object.keys(given).length > 0 ? Object.fromEntries(formats.map((f) => [f, parseEncoderSettings(f, given, false, true)])) as EncodeSettings : undefined;
  const as = params.get('as') ?? 'url';
  if (!(IMPORT_KINDS as readonly string[]).includes(as)) throw new ValidationError(`as must be one of ${IMPORT_KINDS.join(', ')}, got "${as}"`);
  const picture = as === 'picture' || as === 'picture-html';
  if (formats.length > 1 && !picture) throw new ValidationError(`${formats.length} formats make more than one image: add &as=picture or &as=picture-html`);
  if (as === 'url' && widths && widths.length > 1) {
    throw new ValidationError(`${widths.length} widths make more than one URL: add &as=srcset, &as=meta or &as=picture`);
  }
  const placeholder = params.get('placeholder') ?? undefined;
  if (placeholder !== undefined) {
    if (!(PLACEHOLDER_KINDS as readonly string[]).includes(placeholder)) throw new ValidationError(`placeholder must be one of ${PLACEHOLDER_KINDS.join(', ')}, got "${placeholder}"`);
    if (as === 'url' || as === 'srcset') throw new ValidationError(`placeholder needs &as=meta, &as=picture or &as=picture-html (as=${as} is a string)`);
  }
  for (const key of ['sizes', 'alt']) {
    if (params.has(key) && as !== 'picture-html') throw new ValidationError(`${key} needs &as=picture-html`);
  }
  return {
    file, ops, formats, as: as as ImportKind,
    ...(widths ? { widths } : {}), ...(quality !== undefined ? { quality } : {}), ...(encode ? { encode } : {}),
    ...(placeholder !== undefined ? { placeholder: placeholder as PlaceholderKind } : {}),
    ...(params.has('sizes') ? { sizes: params.get('sizes')! } : {}), ...(params.has('alt') ? { alt: params.get('alt')! } : {}),
  };
}
