/**
 * The one option schema: every option of a pipeline, a folder run and the
 * CLI is declared here once, with its type, range, default and doc. The
 * library (`createPipeline`, `run`, `variants`), the CLI flags, the config
 * file and the Vite query all parse through it, and `--help` and
 * docs/cli.md are generated from it.
 */
import { ValidationError } from './errors.js';

/** What values an option takes. */
export type OptionKind =
  | 'integer' // a whole number in [min, max]
  | 'integers' // a non-empty list of them (`480,960` in text)
  | 'formats' // a non-empty list of output formats (`webp,avif` in text)
  | 'string'
  | 'strings' // repeatable in the CLI
  | 'boolean'
  | 'choice' // one of `values`
  | 'encode' // per-format encoder settings, `{ webp: { lossless: true } }` (checked by encoder-options.ts)
  | 'ops'; // a chain: op strings (`blur:sigma=2`) or objects (`{ op: 'blur', sigma: 2 }`), checked by the planner

/** One option's declaration. */
export interface OptionSpec {
  readonly kind: OptionKind;
  readonly min?: number;
  readonly max?: number;
  /** `false` is accepted too (meaning "none"); in text, `0` means false. */
  readonly orFalse?: boolean;
  /** The default, in words, for help and docs. */
  readonly default?: string;
  readonly doc: string;
  /** Where it applies: the pipeline (engine), a folder run, the CLI alone, or an encoder (see encoder-options.ts). */
  readonly scope: 'pipeline' | 'run' | 'cli' | 'encode';
  /** A `choice`'s accepted values. */
  readonly values?: readonly string[];
  /** An encoder option's formats, each with the values it accepts there (integers: min/max; choices: values). */
  readonly formats?: Partial<Record<OutputFormat, { readonly min?: number; readonly max?: number; readonly values?: readonly string[] }>>;
  /** The CLI flag (`-j, --workers <n>`); none: the option is library-only. */
  readonly flag?: string;
  /** Other names a config file may use (the CLI's singular names). */
  readonly aliases?: readonly string[];
}

/** Output formats tilepipe writes. */
export const OUTPUT_FORMATS = ['jpeg', 'png', 'webp', 'avif', 'tiff', 'gif'] as const;

/** A format tilepipe writes. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const FORMAT_NAMES: Record<string, OutputFormat> = {
  jpg: 'jpeg', jpeg: 'jpeg', png: 'png', webp: 'webp', avif: 'avif', tif: 'tiff', tiff: 'tiff', gif: 'gif',
};

const MAX_INT = 2 ** 31 - 1;

/** Every option, by its library name. */
export const OPTIONS = {
  outDir: { kind: 'string', scope: 'run', flag: '-o, --out-dir <dir>', doc: 'output folder; mirrors the tree below each input' },
  ops: { kind: 'ops', scope: 'run', flag: '--op <spec>', aliases: ['op'], doc: 'operation, repeatable, applied in order: name or name:key=value[,key=value]' },
  formats: { kind: 'formats', scope: 'run', flag: '--format <list>', aliases: ['format'], default: "the input's format where tilepipe writes it, else png", doc: `output format(s), comma-separated: ${OUTPUT_FORMATS.join(', ')}` },
  widths: { kind: 'integers', min: 1, max: 100_000, scope: 'run', flag: '--width <list>', aliases: ['width'], doc: 'width variants, comma-separated; every width x format is written (never enlarged)' },
  quality: { kind: 'integer', min: 1, max: 100, scope: 'run', flag: '--quality <n>', default: "the encoder's", doc: 'encoder quality (jpeg, webp, avif, tiff)' },
  encode: { kind: 'encode', scope: 'run', doc: 'per-format encoder settings, e.g. { jpeg: { mozjpeg: true }, webp: { lossless: true } }, by the names of the encoder flags below; the flags override them' },
  effort: { kind: 'integer', scope: 'encode', flag: '--effort <n>', formats: { webp: { min: 0, max: 6 }, avif: { min: 0, max: 9 }, png: { min: 1, max: 10 }, gif: { min: 1, max: 10 } }, default: "the encoder's", doc: 'CPU effort, higher: smaller files, slower (webp 0-6, avif 0-9, png 1-10 with --palette, gif 1-10)' },
  lossless: { kind: 'boolean', scope: 'encode', flag: '--lossless', formats: { webp: {}, avif: {} }, default: 'false', doc: 'lossless compression (webp, avif)' },
  nearLossless: { kind: 'boolean', scope: 'encode', flag: '--near-lossless', formats: { webp: {} }, default: 'false', doc: 'near-lossless compression; --quality sets its preprocessing (webp)' },
  progressive: { kind: 'boolean', scope: 'encode', flag: '--progressive', formats: { jpeg: {}, png: {} }, default: 'false', doc: 'progressive JPEG, interlaced PNG' },
  chromaSubsampling: { kind: 'choice', values: ['4:2:0', '4:4:4'], scope: 'encode', flag: '--chroma-subsampling <mode>', formats: { jpeg: {}, avif: {} }, default: "the encoder's (4:2:0; avif lossless 4:4:4)", doc: 'chroma subsampling, 4:2:0 or 4:4:4 (jpeg, avif)' },
  mozjpeg: { kind: 'boolean', scope: 'encode', flag: '--mozjpeg', formats: { jpeg: {} }, default: 'false', doc: "mozjpeg's settings: trellis quantisation, overshoot deringing, optimised scans (jpeg)" },
  palette: { kind: 'boolean', scope: 'encode', flag: '--palette', formats: { png: {} }, default: 'false', doc: 'quantise to a palette of up to 256 colours (png; gif always is one)' },
  compressionLevel: { kind: 'integer', min: 0, max: 9, scope: 'encode', flag: '--compression-level <n>', formats: { png: {} }, default: '6', doc: 'zlib compression level (png)' },
  bitDepth: { kind: 'choice', values: ['1', '2', '4', '8', '10', '12'], scope: 'encode', flag: '--bit-depth <n>', formats: { avif: { values: ['8', '10', '12'] }, tiff: { values: ['1', '2', '4', '8'] } }, default: '8', doc: 'bits per sample: avif 8, 10 or 12; tiff 1, 2, 4 or 8' },
  name: { kind: 'string', scope: 'run', flag: '--name <template>', default: '{dir}/{name}.{ext}, or {dir}/{name}-{width}.{ext} with widths', doc: 'output name template: {dir} {name} {ext} {srcext} {width} {format} {hash} (input) {contenthash} (output)' },
  keepMetadata: { kind: 'boolean', scope: 'run', flag: '--keep-metadata', default: 'false', doc: 'keep EXIF (textual tags) and write an sRGB profile; stripped by default' },
  force: { kind: 'boolean', scope: 'run', flag: '-f, --force', default: 'false', doc: 'redo outputs that are up to date' },
  prune: { kind: 'boolean', scope: 'run', flag: '--prune', default: 'false', doc: 'remove outputs whose input is gone, as the manifest records them; never a file it does not list, or one changed since it was written' },
  dryRun: { kind: 'boolean', scope: 'run', flag: '-n, --dry-run', default: 'false', doc: 'print what would be done; write nothing' },
  inPlace: { kind: 'boolean', scope: 'run', flag: '--in-place', default: 'false', doc: 'allow outputs to replace their inputs (atomically, via a temp file)' },
  ignore: { kind: 'strings', scope: 'run', flag: '--ignore <glob>', doc: 'leave out inputs matching this glob (below each input folder, or from the working folder; without a slash: file names), repeatable' },
  followSymlinks: { kind: 'boolean', scope: 'run', flag: '--follow-symlinks', default: 'false', doc: 'follow symbolic links in folders and globs (each folder is walked once)' },
  workers: { kind: 'integer', min: 1, max: 1024, scope: 'pipeline', flag: '-j, --workers <n>', default: 'available cores', doc: 'worker threads for tile work' },
  tileSize: { kind: 'integer', min: 8, max: 1 << 20, scope: 'pipeline', flag: '--tile-size <n>', default: 'measured: 768 (raised to 8 x the halo radius) for neighbourhood stages, 1024 for point-only stages', doc: 'tile edge in pixels' },
  maxInFlight: { kind: 'integer', min: 1, max: 4096, scope: 'pipeline', flag: '--max-in-flight <n>', default: 'workers + 1', doc: 'images between read and write at once' },
  maxMemoryMb: { kind: 'integer', min: 1, max: MAX_INT, scope: 'pipeline', flag: '--memory <MB>', aliases: ['memory'], default: 'half the free memory, at least 256', doc: 'memory budget for images in flight; an image larger than it runs alone' },
  workerMemoryMb: { kind: 'integer', min: 16, max: 1 << 20, scope: 'pipeline', flag: '--worker-memory <MB>', aliases: ['workerMemory'], default: '2048', doc: 'memory one worker may hold; a worker over it after a tile fails that image ("worker out of memory") and is replaced' },
  limitInputPixels: { kind: 'integer', min: 1, max: Number.MAX_SAFE_INTEGER, orFalse: true, scope: 'pipeline', flag: '--limit-input-pixels <n>', default: '268402689 (as sharp)', doc: 'refuse images with more pixels, at any stage (planned from the header); 0 or false: no limit' },
  timeout: { kind: 'integer', min: 1, max: MAX_INT, scope: 'pipeline', flag: '--timeout <ms>', default: 'none', doc: 'fail an image that takes longer from read to write (reading, decoding, processing, encoding)' },
  plugins: { kind: 'strings', scope: 'pipeline', flag: '--plugin <path>', aliases: ['plugin'], doc: 'load operations from a module, repeatable' },
  cacheDir: { kind: 'string', orFalse: true, scope: 'pipeline', flag: '--cache-dir <dir>', default: 'library: node_modules/.cache/tilepipe; CLI: none', doc: 'content-addressed output cache shared across out-dirs and runs; false: none' },
  parallelPngMinPixels: { kind: 'integer', min: 1, max: Number.MAX_SAFE_INTEGER, orFalse: true, scope: 'pipeline', default: '16000000 with 2 or more workers, else false', doc: 'PNG outputs of at least this many pixels are deflated in bands on the workers' },
  config: { kind: 'string', scope: 'cli', flag: '-c, --config <file>', default: 'tilepipe.config.mjs, .js or .json, or the "tilepipe" key of package.json, in the working folder', doc: 'settings file (.json, .mjs or .js): the options below in camelCase; flags override it' },
  json: { kind: 'boolean', scope: 'cli', flag: '--json', default: 'false', doc: 'NDJSON events on stdout: one per input, then a summary' },
  watch: { kind: 'boolean', scope: 'cli', flag: '--watch', default: 'false', doc: 'after the run, watch the inputs and process what is added or changed (with --prune, also remove outputs of deleted inputs); Ctrl-C stops (exit 130)' },
  quiet: { kind: 'boolean', scope: 'cli', flag: '--quiet', default: 'false', doc: 'no progress and no summary (errors still go to stderr)' },
} as const satisfies Record<string, OptionSpec>;

/** The name of an option. */
export type OptionName = keyof typeof OPTIONS;

/** How an option is named to the user who gave it: `--workers` on the command line, `workers` elsewhere. */
export function optionLabel(name: OptionName, cli: boolean): string {
  const flag = (OPTIONS[name] as OptionSpec).flag;
  return cli && flag ? flag.replace(/^-\w, /, '').replace(/ <.*$/, '') : name;
}

/** Splits a text list (`480,960`) or passes a list through. */
function items(raw: unknown): unknown[] {
  if (Array.isArray(raw)) return raw.flatMap((v) => (typeof v === 'string' ? v.split(',') : [v]));
  return typeof raw === 'string' ? raw.split(',') : [raw];
}

function toInt(raw: unknown, text: boolean): number {
  if (typeof raw === 'number') return raw;
  if (text && typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw)) return Number(raw);
  return Number.NaN;
}

/** Parses a format name (`jpg`, `tif` accepted), throwing a ValidationError otherwise. */
export function parseFormat(raw: unknown): OutputFormat {
  const f = typeof raw === 'string' ? FORMAT_NAMES[raw.trim().toLowerCase()] : undefined;
  if (!f) throw new ValidationError(`format must be one of ${OUTPUT_FORMATS.join(', ')}, got ${JSON.stringify(raw)}`);
  return f;
}

/**
 * Validates one option's value and returns it in its library type. With
 * `text`, strings are accepted for numbers and lists (`'4'`, `'480,960'`), as
 * the CLI, config files and queries give them; `cli` names the option by its
 * flag in messages. Throws a ValidationError naming the option and the range.
 */
export function parseOption(name: OptionName, raw: unknown, { text = false, cli = false } = {}): unknown {
  const spec: OptionSpec = OPTIONS[name];
  const fail = (accepted: string): never => {
    throw new ValidationError(`${optionLabel(name, cli)} must be ${accepted}, got ${JSON.stringify(raw)}`);
  };
  if (spec.orFalse && (raw === false || (text && (raw === 0 || raw === '0' || raw === 'false')))) return false;
  const range = spec.min !== undefined ? `in [${spec.min}, ${spec.max}]` : '';
  switch (spec.kind) {
    case 'integer': {
      const n = toInt(raw, text);
      if (!Number.isInteger(n) || n < spec.min! || n > spec.max!) fail(`an integer${range ? ` ${range}` : ''}${spec.orFalse ? ', or false' : ''}`);
      return n;
    }
    case 'integers': {
      const list = items(raw).map((v) => toInt(typeof v === 'string' ? v.trim() : v, text));
      if (list.length === 0 || !list.every((n) => Number.isInteger(n) && n >= spec.min! && n <= spec.max!)) fail(`a non-empty list of integers ${range}`);
      return list;
    }
    case 'formats': {
      const list = items(raw);
      if (list.length === 0) fail(`a non-empty list of ${OUTPUT_FORMATS.join(' | ')}`);
      return list.map(parseFormat);
    }
    case 'string':
      if (typeof raw !== 'string' || raw === '') fail(`a non-empty string${spec.orFalse ? ', or false' : ''}`);
      return raw;
    case 'strings': {
      const list = typeof raw === 'string' ? [raw] : raw;
      if (!Array.isArray(list) || !list.every((v) => typeof v === 'string' && v !== '')) fail('a list of non-empty strings');
      return list;
    }
    case 'ops': {
      const list = typeof raw === 'string' ? [raw] : raw;
      if (!Array.isArray(list) || !list.every((v) => (typeof v === 'string' && v !== '') || (typeof v === 'object' && v !== null))) fail("a list of operations ('name:key=value' strings or { op, ...params } objects)");
      return list;
    }
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      if (text && (raw === 'true' || raw === 'false')) return raw === 'true';
      return fail('true or false');
    case 'choice': {
      const v = typeof raw === 'number' ? String(raw) : raw;
      if (typeof v !== 'string' || !spec.values!.includes(v)) fail(`one of ${spec.values!.join(', ')}`);
      return v;
    }
    case 'encode':
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(`an object of per-format settings ({ ${OUTPUT_FORMATS.join(': {...}, ')}: {...} })`);
      return raw;
  }
}

/**
 * Parses every option of `scope` present in `values` (unknown keys are left
 * to the caller). Returns only the options given, in their library types.
 */
export function parseOptions<T>(scope: OptionSpec['scope'], values: object, how: { text?: boolean; cli?: boolean } = {}): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(OPTIONS) as Array<[OptionName, OptionSpec]>) {
    const raw = (values as Record<string, unknown>)[name];
    if (spec.scope !== scope || raw === undefined) continue;
    out[name] = parseOption(name, raw, how);
  }
  return out as Partial<T>;
}

/** The option a config-file key names (its library name or an alias), if any. */
export function optionForKey(key: string): OptionName | undefined {
  if (key in OPTIONS) return key as OptionName;
  return (Object.keys(OPTIONS) as OptionName[]).find((n) => ((OPTIONS[n] as OptionSpec).aliases ?? []).includes(key));
}
