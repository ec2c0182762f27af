/**
 * Encoder options (`--effort`, `--lossless`, …, and the `encode` setting):
 * each is declared once in the option schema (options.ts, scope `encode`)
 * with the formats it applies to and what it accepts there. This file checks
 * them per format and turns them into sharp's encoder options.
 */
import { ValidationError } from './errors.js';
import { OPTIONS, OUTPUT_FORMATS, optionLabel, parseFormat, parseOption, type OptionName, type OptionSpec, type OutputFormat } from './options.js';

/** One format's encoder settings (each applies only to some formats; see `tilepipe --help`). */
export interface EncoderSettings {
  readonly effort?: number;
  readonly lossless?: boolean;
  readonly nearLossless?: boolean;
  readonly progressive?: boolean;
  readonly chromaSubsampling?: '4:2:0' | '4:4:4';
  readonly mozjpeg?: boolean;
  readonly palette?: boolean;
  readonly compressionLevel?: number;
  /** avif 8, 10 or 12; tiff 1, 2, 4 or 8. */
  readonly bitDepth?: string;
}

/** Encoder settings per output format: `{ jpeg: { mozjpeg: true }, webp: { lossless: true } }`. */
export type EncodeSettings = { readonly [F in OutputFormat]?: EncoderSettings };

/** The encoder options, by name. */
export const ENCODER_OPTIONS = (Object.keys(OPTIONS) as OptionName[]).filter((n) => (OPTIONS[n] as OptionSpec).scope === 'encode');

/** Checks one format's settings: an unknown name, an option that does not apply to the format, or a value out of its range there is an error naming both. */
export function parseEncoderSettings(format: OutputFormat, raw: unknown, cli = false, text = cli): EncoderSettings {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ValidationError(`encode.${format} must be an object of encoder settings, got ${JSON.stringify(raw)}`);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const name = ENCODER_OPTIONS.find((n) => n === key);
    if (!name) throw new ValidationError(`encode.${format}: unknown setting "${key}"; valid: ${ENCODER_OPTIONS.join(', ')}`);
    const spec: OptionSpec = OPTIONS[name];
    const label = optionLabel(name, cli);
    const here = spec.formats?.[format];
    if (!here) throw new ValidationError(`${label} does not apply to ${format} (it applies to ${Object.keys(spec.formats ?? {}).join(', ')})`);
    const v = parseOption(name, value, { text, cli });
    if (typeof v === 'number' && here.min !== undefined && (v < here.min || v > here.max!)) {
      throw new ValidationError(`${label} must be an integer in [${here.min}, ${here.max}] for ${format}, got ${JSON.stringify(value)}`);
    }
    if (typeof v === 'string' && here.values && !here.values.includes(v)) {
      throw new ValidationError(`${label} must be one of ${here.values.join(', ')} for ${format}, got ${JSON.stringify(value)}`);
    }
    out[name] = v;
  }
  // In schema order, so that equal settings make equal manifest and cache keys.
  return Object.fromEntries(ENCODER_OPTIONS.filter((n) => n in out).map((n) => [n, out[n]])) as EncoderSettings;
}

/** Checks an `encode` setting (config file, library): format names as keys (`jpg` accepted), each with its settings. */
export function parseEncode(raw: unknown): EncodeSettings {
  const checked = parseOption('encode', raw) as Record<string, unknown>;
  const out: Partial<Record<OutputFormat, EncoderSettings>> = {};
  for (const [key, settings] of Object.entries(checked)) {
    let format: OutputFormat;
    try {
      format = parseFormat(key);
    } catch {
      throw new ValidationError(`encode: "${key}" is not a format; valid: ${OUTPUT_FORMATS.join(', ')}`);
    }
    out[format] = { ...out[format], ...parseEncoderSettings(format, settings) };
  }
  return out;
}

/**
 * The settings the encoder flags ask for, for each of `formats`. Flags apply
 * to every chosen format, so one that does not apply to one of them is an
 * error naming both; without `--format` they cannot be checked, so they need it.
 */
export function encodeFromFlags(values: Readonly<Record<string, unknown>>, formats: readonly OutputFormat[] | undefined): EncodeSettings {
  const given = ENCODER_OPTIONS.filter((n) => values[n] !== undefined);
  if (given.length === 0) return {};
  if (!formats?.length) throw new ValidationError(`${given.map((n) => optionLabel(n, true)).join(', ')} need${given.length === 1 ? 's' : ''} --format: the encoder options depend on it`);
  const picked = Object.fromEntries(given.map((n) => [n, values[n]]));
  return Object.fromEntries(formats.map((f) => [f, parseEncoderSettings(f, picked, true)]));
}

/** `base` with `over`'s settings on top, format by format. */
export function mergeEncode(base: EncodeSettings | undefined, over: EncodeSettings): EncodeSettings {
  const out: Partial<Record<OutputFormat, EncoderSettings>> = { ...base };
  for (const [f, s] of Object.entries(over) as Array<[OutputFormat, EncoderSettings]>) out[f] = { ...out[f], ...s };
  return out;
}

/** sharp's options for `format` from its settings (sharp's own names). */
export function sharpEncoderOptions(format: OutputFormat, s: EncoderSettings | undefined): Record<string, unknown> {
  if (!s) return {};
  const { bitDepth, ...rest } = s;
  const out: Record<string, unknown> = { ...rest };
  if (bitDepth !== undefined) out.bitdepth = Number(bitDepth);
  if (format === 'tiff' && out.bitdepth === 8) delete out.bitdepth; // 8 is tiff's default; sharp takes only 1, 2 or 4
  return out;
}
