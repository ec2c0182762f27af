/**
 * The CLI's config: `-c file.json|file.mjs|file.js`, or else the first of
 * `tilepipe.config.mjs`, `tilepipe.config.js`, `tilepipe.config.json` or a
 * `"tilepipe"` key in `package.json` in the working folder (found with
 * lilconfig). It holds the same options as the flags and the library, by
 * their library names (`formats`, `widths`, `maxMemoryMb`, …) or the CLI's
 * (`format`, `width`, `memory`, …), plus `inputs` and `color`. Values are
 * checked through the option schema with the flags (which override them);
 * paths are relative to the file.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import type * as Lilconfig from 'lilconfig';
import { OPTIONS, ValidationError, optionForKey } from '../src/index.js';
import type { RawSettings } from './flags.js';
import { importModule } from '../src/model/module-import.js';

const EXTRA_KEYS = ['inputs', 'color'];

/** Where a config is looked for when `-c` is not given, in order (in the working folder only). */
export const CONFIG_FILES = ['tilepipe.config.mjs', 'tilepipe.config.js', 'tilepipe.config.json', 'package.json'];

const importDefault = async (file: string): Promise<unknown> => ((await importModule(pathToFileURL(file).href)) as { default?: unknown }).default;

/** The config found in `cwd` (see CONFIG_FILES), as loadConfig gives it, and its path; undefined if there is none. */
export async function findConfig(cwd: string): Promise<{ file: string; settings: RawSettings } | undefined> {
  const candidate = firstCandidate(cwd);
  if (candidate === undefined) return undefined;
  let found;
  try {
    // Loaded with require(): through the ESM loader this CommonJS package loads about 2× slower (13 against 6 ms).
    const { lilconfig } = createRequire(import.meta.url)('lilconfig') as typeof Lilconfig;
    found = await lilconfig('tilepipe', {
      searchPlaces: CONFIG_FILES, stopDir: cwd, cache: false,
      loaders: { '.mjs': importDefault, '.js': importDefault },
    }).search(cwd);
  } catch (err) {
    throw new ValidationError(`config ${candidate}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!found || found.isEmpty) return undefined;
  const shown = path.relative(cwd, found.filepath);
  return { file: found.filepath, settings: settingsFrom(found.config, found.filepath, path.basename(found.filepath) === 'package.json' ? `${shown} ("tilepipe")` : shown) };
}

/**
 * The first of the CONFIG_FILES in `cwd` that is not blank, counting a package.json
 * only if its text mentions "tilepipe": the file lilconfig takes first, and so the
 * one its errors come from. Most runs have none, and then lilconfig (~6 ms to load
 * and search) is not loaded at all.
 */
function firstCandidate(cwd: string): string | undefined {
  return CONFIG_FILES.find((name) => {
    let text: string;
    try {
      text = readFileSync(path.join(cwd, name), 'utf8');
    } catch {
      return false;
    }
    // lilconfig passes over a file that is empty or only white space.
    return name === 'package.json' ? text.includes('"tilepipe"') : text.trim() !== '';
  });
}

/** Loads a config file; an unknown key is an error that lists the valid ones. */
export async function loadConfig(file: string): Promise<RawSettings> {
  const abs = path.resolve(file);
  let value: unknown;
  try {
    value = abs.endsWith('.json') ? JSON.parse(await readFile(abs, 'utf8')) : await importDefault(abs);
  } catch (err) {
    throw new ValidationError(`config ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  return settingsFrom(value, abs, file);
}

/** Checks a config's keys and makes its paths absolute (relative to the file `abs`); `file` names it in messages. */
function settingsFrom(value: unknown, abs: string, file: string): RawSettings {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(`config ${file}: expected an object${abs.endsWith('.json') ? '' : ' as the default export'}`);
  }
  const settings: RawSettings = {};
  for (const [key, v] of Object.entries(value)) {
    const name = EXTRA_KEYS.includes(key) ? key : optionForKey(key);
    if (!name || name === 'config') {
      throw new ValidationError(`config ${file}: unknown setting "${key}"; valid: ${[...EXTRA_KEYS, ...Object.keys(OPTIONS).filter((k) => k !== 'config')].join(', ')}`);
    }
    if (name in settings) throw new ValidationError(`config ${file}: "${key}" repeats a setting given under another name`);
    settings[name] = v;
  }
  // Paths in a config file are relative to the file.
  const base = path.dirname(abs);
  const rel = (p: unknown): unknown => (typeof p === 'string' ? path.resolve(base, p) : p);
  const list = (v: unknown): unknown => (Array.isArray(v) ? v.map(rel) : rel(v));
  if (Array.isArray(settings.inputs)) {
    settings.inputs = settings.inputs.map((p: unknown) => (typeof p === 'string' && /[*?{[]/.test(p) ? path.posix.join(base.split(path.sep).join('/'), p) : (rel(p) as string)));
  }
  if (settings.outDir !== undefined) settings.outDir = rel(settings.outDir);
  if (settings.plugins !== undefined) settings.plugins = list(settings.plugins);
  if (typeof settings.cacheDir === 'string') settings.cacheDir = rel(settings.cacheDir);
  return settings;
}
