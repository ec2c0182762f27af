/**
 * The `?tilepipe&…` import query, parsed once for every bundler integration:
 * the chain (`op`, repeatable), `format`, `widths`, `quality` and `as`. The
 * values go through the option schema, as the CLI's and the library's do.
 */
import { ENCODER_OPTIONS, parseEncoderSettings, type EncoderSettings } from '../model/encoder-options.js';
import { parseFormat, parseOption, type OutputFormat } from '../model/options.js';
import { ValidationError } from '../model/errors.js';

/** What an import asks for, parsed from its query. */
export interface TilepipeRequest {
  /** The image file (absolute path). */
  readonly file: string;
  /** The chain, in the order of the `op` parameters. */
  readonly ops: string[];
  /** Output format (`format=`; default webp). */
  readonly format: OutputFormat;
  /** Width variants (`widths=480,960`); absent: the processed image's own width. */
  readonly widths?: number[];
  /** Encoder quality 1–100 (`quality=`). */
  readonly quality?: number;
  /** The format's encoder settings (`effort=6`, `lossless`, `progressive`, … by their library names). */
  readonly encoder?: EncoderSettings;
  /** What the module's default export is: a URL, a srcset string, or a {@link TilepipeImageMeta}. */
  readonly as: 'url' | 'srcset' | 'meta';
}

/** The query parameter that marks an import for tilepipe. */
export const QUERY_MARKER = 'tilepipe';

/** Query parameters Vite itself adds to module ids; ignored. */
const VITE_PARAMS = new Set(['import', 't', 'v', 'used', 'url', 'direct']);
const KNOWN_PARAMS = new Set([QUERY_MARKER, 'op', 'format', 'widths', 'quality', 'as', ...ENCODER_OPTIONS]);
const AS_VALUES = ['url', 'srcset', 'meta'] as const;

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
      throw new ValidationError(`unknown query parameter "${key}"; valid: op, format, widths, quality, as, ${ENCODER_OPTIONS.join(', ')}`);
    }
  }
  for (const key of ['format', 'widths', 'quality', 'as', ...ENCODER_OPTIONS]) {
    if (params.getAll(key).length > 1) throw new ValidationError(`"${key}" may be given once`);
  }
  const ops = params.getAll('op');
  if (ops.some((op) => op.trim() === '')) throw new ValidationError('empty "op" parameter');
  const formatName = params.get('format') ?? 'webp';
  if (formatName.includes(',')) throw new ValidationError(`one format per import, got "${formatName}"`);
  // Values go through the option schema, as the CLI's and the library's do.
  const format = parseFormat(formatName);
  const w = params.get('widths');
  const widths = w === null ? undefined : (parseOption('widths', w, { text: true }) as number[]);
  const qs = params.get('quality');
  const quality = qs === null ? undefined : (parseOption('quality', qs.trim(), { text: true }) as number);
  // Encoder settings by their library names; a bare `&lossless` means true.
  const given = Object.fromEntries(ENCODER_OPTIONS.filter((n) => params.has(n)).map((n) => [n, params.get(n) === '' ? 'true' : params.get(n)]));
  const encoder = Object.keys(given).length > 0 ? parseEncoderSettings(format, given, false, true) : undefined;
  const as = params.get('as') ?? 'url';
  if (!(AS_VALUES as readonly string[]).includes(as)) throw new ValidationError(`as must be one of ${AS_VALUES.join(', ')}, got "${as}"`);
  if (as === 'url' && widths && widths.length > 1) {
    throw new ValidationError(`${widths.length} widths make more than one URL: add &as=srcset or &as=meta`);
  }
  return { file, ops, format, ...(widths ? { widths } : {}), ...(quality !== undefined ? { quality } : {}), ...(encoder ? { encoder } : {}), as: as as TilepipeRequest['as'] };
}
