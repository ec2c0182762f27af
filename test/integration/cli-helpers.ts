/** Shared by the cli-*.test.ts files (split from one file): fixtures and helpers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { runCli } from '../cli-runner.js';
import { diffPixels, rawRgba, syntheticPng, tempDir as fixtureTempDir } from '../fixtures.js';


export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = path.join(ROOT, 'dist', 'bin', 'tilepipe.cjs');
export const PKG = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
export const MANIFEST = '.tilepipe-manifest.json';

/** Temporary folders made by this file, removed after it. */
export const made: string[] = [];
export function tempDir(prefix: string): string {
  const dir = fixtureTempDir(prefix);
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI in `cwd`, as a user would (see cli-runner.ts). */
export const tilepipe = (args: readonly string[], cwd: string): Promise<Result> => runCli(args, { cwd, timeoutMs: 30_000 });

/** Non-empty lines of a stream. */
export const lines = (s: string): string[] => s.split('\n').filter((l) => l.trim() !== '');

export interface FileEvt {
  type: 'file';
  input: string;
  outputs: Array<{ path: string; format: string; width?: number; height?: number; bytes?: number }>;
  status: 'ok' | 'skipped' | 'failed' | 'planned';
  error?: string;
  ms: number;
}
export interface SummaryEvt {
  type: 'summary';
  ok: number;
  skipped: number;
  failed: number;
  planned: number;
  outputs: number;
  megapixels: number;
  wallMs: number;
  imagesPerSecond: number;
  aborted: boolean;
}

/** Parses `--json` stdout: every line is JSON; file events, then exactly one summary, last. */
export function ndjson(stdout: string): { files: FileEvt[]; summary: SummaryEvt } {
  const events = lines(stdout).map((l) => JSON.parse(l) as FileEvt | SummaryEvt);
  const summaries = events.filter((e): e is SummaryEvt => e.type === 'summary');
  expect(summaries).toHaveLength(1);
  expect(events[events.length - 1].type).toBe('summary');
  const files = events.filter((e): e is FileEvt => e.type === 'file');
  expect(files.length).toBe(events.length - 1);
  return { files, summary: summaries[0] };
}

/** Status per input, keyed by the input's path relative to `base` (with `/`). */
export function statuses(files: FileEvt[], base: string): Record<string, string> {
  return Object.fromEntries(files.map((f) => [path.relative(base, f.input).split(path.sep).join('/'), f.status]));
}

/** Every file below `dir`, relative, `/`-separated, sorted (hidden files included). [] if `dir` is absent. */
export function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((rel) => statSync(path.join(dir, rel)).isFile())
    .map((rel) => rel.split(path.sep).join('/'))
    .sort();
}

/** Every entry (files and folders) below `dir`. */
export function entries(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[]).map((rel) => rel.split(path.sep).join('/')).sort();
}

export const outputsOf = (dir: string): string[] => tree(dir).filter((f) => f !== MANIFEST);

export async function writePng(file: string, width: number, height: number, seed: number, alpha = false): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, await syntheticPng(width, height, seed, alpha));
}

export async function writeJpeg(file: string, width: number, height: number, seed: number): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, await sharp(await syntheticPng(width, height, seed, false)).jpeg({ quality: 90 }).toBuffer());
}

export async function size(file: string): Promise<[number, number]> {
  const m = await sharp(file).metadata();
  return [m.width!, m.height!];
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first with \`npx tsc -p .\``);
});
