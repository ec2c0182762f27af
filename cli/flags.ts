/**
 * The CLI's flags, made from the option schema (src/model/options.ts): each
 * option with a `flag` becomes one, with its doc and default as help text.
 * Values stay as the user typed them; `toRunSettings` parses the merged
 * config-file and flag values through the same schema as the library.
 */
import { Command, Option } from './commander.js';
import { OPTIONS, parseOptions, type OptionName, type OptionSpec, type PipelineOptions, type RunOptions } from '../src/index.js';
import { ValidationError } from '../src/model/errors.js';
import { encodeFromFlags, mergeEncode, parseEncode } from '../src/model/encoder-options.js';

/** Commander's collector for a repeatable flag. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The commander key of an option's flag (`--out-dir` → `outDir`). */
function flagKey(flag: string): string {
  const long = /--([\w-]+)/.exec(flag)![1];
  return long.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
}

/** Option name by commander key, for every option that has a flag. */
export const FLAG_OPTIONS: ReadonlyMap<string, OptionName> = new Map(
  (Object.entries(OPTIONS) as Array<[OptionName, OptionSpec]>).filter(([, s]) => s.flag).map(([name, s]) => [flagKey(s.flag!), name]),
);

/** Adds every schema option with a flag to `program` (only those of `scopes`, and `include`, if given). */
export function addSchemaFlags(program: Command, scopes?: readonly OptionSpec['scope'][], include: readonly OptionName[] = []): Command {
  for (const [name, spec] of Object.entries(OPTIONS) as Array<[OptionName, OptionSpec]>) {
    if (!spec.flag || (scopes && !scopes.includes(spec.scope) && !include.includes(name))) continue;
    const text = spec.default && spec.kind !== 'boolean' ? `${spec.doc} (default: ${spec.default})` : spec.doc;
    const option = new Option(spec.flag, text);
    if (spec.kind === 'strings' || spec.kind === 'ops') option.argParser(collect);
    program.addOption(option);
  }
  return program.addOption(new Option('--no-color', 'no colour (NO_COLOR is honoured too)'));
}

/** Settings as a config file and the flags give them: option names (or aliases resolved), raw values. */
export type RawSettings = Record<string, unknown> & { inputs?: string[]; color?: boolean };

/** The flags the user set on the command line, by option name. */
export function givenFlags(program: Command): RawSettings {
  const opts = program.opts<Record<string, unknown>>();
  const s: RawSettings = {};
  for (const [key, value] of Object.entries(opts)) {
    if (program.getOptionValueSource(key) !== 'cli' || key === 'config') continue;
    s[key === 'color' ? 'color' : FLAG_OPTIONS.get(key) ?? key] = value;
  }
  return s;
}

/** What a CLI run needs, parsed and validated through the option schema. */
export interface RunSettings {
  readonly pipeline: PipelineOptions;
  readonly run: RunOptions;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly color: boolean;
  readonly watch: boolean;
}

/**
 * The run options of merged settings: the `encode` setting (config) with the
 * encoder flags on top, for each chosen format.
 */
export function runOptionsOf(s: RawSettings): Partial<RunOptions> {
  const how = { text: true, cli: true };
  const run = parseOptions<RunOptions>('run', s, how);
  const flags = encodeFromFlags(parseOptions<Record<string, unknown>>('encode', s, how), run.formats);
  const encode = mergeEncode(run.encode === undefined ? undefined : parseEncode(run.encode), flags);
  return { ...run, ...(Object.keys(encode).length > 0 ? { encode } : {}) };
}

/** Parses merged settings; a bad value throws a ValidationError naming its flag. */
export function toRunSettings(s: RawSettings): RunSettings {
  if (!s.inputs?.length) throw new ValidationError('no inputs given (files, directories or globs)');
  if (!s.outDir) throw new ValidationError('-o, --out-dir is required');
  const how = { text: true, cli: true };
  const pipeline = parseOptions<PipelineOptions>('pipeline', s, how);
  const run = runOptionsOf(s);
  const cli = parseOptions<{ json: boolean; quiet: boolean; watch: boolean }>('cli', s, how);
  return {
    pipeline: { ...pipeline, cacheDir: pipeline.cacheDir ?? false },
    run: { ...run, inputs: s.inputs, outDir: run.outDir! },
    json: Boolean(cli.json),
    quiet: Boolean(cli.quiet),
    watch: Boolean(cli.watch),
    color: s.color !== false,
  };
}
