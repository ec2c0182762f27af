/**
 * The CLI's settings: loading a `-c` config file (.json or .mjs) and merging
 * it under the flags the user gave.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ValidationError } from '../src/index.js';

/** Every setting, as a config file spells it (the long flag names in camelCase). */
export interface CliSettings {
  inputs?: string[];
  outDir?: string;
  ops?: string[];
  format?: string | string[];
  width?: number | string | number[];
  quality?: number | string;
  name?: string;
  workers?: number | string;
  tileSize?: number | string;
  maxInFlight?: number | string;
  limitInputPixels?: number | string | false;
  plugins?: string[];
  force?: boolean;
  dryRun?: boolean;
  json?: boolean;
  quiet?: boolean;
  color?: boolean;
  keepMetadata?: boolean;
  followSymlinks?: boolean;
  timeout?: number | string;
  memory?: number | string;
  cacheDir?: string;
  inPlace?: boolean;
}

const KEYS = [
  'inputs', 'outDir', 'ops', 'format', 'width', 'quality', 'name', 'workers', 'tileSize', 'maxInFlight',
  'limitInputPixels', 'plugins', 'force', 'dryRun', 'json', 'quiet', 'color', 'keepMetadata', 'followSymlinks', 'timeout', 'memory', 'inPlace', 'cacheDir',
] as const;

/** Loads a config file; unknown keys are an error that lists the valid ones. */
export async function loadConfig(file: string): Promise<CliSettings> {
  const abs = path.resolve(file);
  let value: unknown;
  try {
    value = abs.endsWith('.json')
      ? JSON.parse(await readFile(abs, 'utf8'))
      : ((await import(pathToFileURL(abs).href)) as { default?: unknown }).default;
  } catch (err) {
    throw new ValidationError(`config ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(`config ${file}: expected an object${abs.endsWith('.json') ? '' : ' as the default export'}`);
  }
  for (const key of Object.keys(value)) {
    if (!(KEYS as readonly string[]).includes(key)) throw new ValidationError(`config ${file}: unknown setting "${key}"; valid: ${KEYS.join(', ')}`);
  }
  const settings = value as CliSettings;
  // Paths in a config file are relative to the file.
  const base = path.dirname(abs);
  const rel = (p: string): string => path.resolve(base, p);
  return {
    ...settings,
    ...(settings.inputs ? { inputs: settings.inputs.map((p) => (/[*?{[]/.test(p) ? path.posix.join(base.split(path.sep).join('/'), p) : rel(p))) } : {}),
    ...(settings.outDir ? { outDir: rel(settings.outDir) } : {}),
    ...(settings.plugins ? { plugins: settings.plugins.map(rel) } : {}),
    ...(settings.cacheDir ? { cacheDir: rel(settings.cacheDir) } : {}),
  };
}
