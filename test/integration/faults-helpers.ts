/** Shared by the faults-*.test.ts files (split from one file): fixtures and helpers. */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { createPipeline, ValidationError, type PipelineEvent } from '../../dist/src/index.js';
import { HOST_TAG } from '../../dist/src/io/atomic-write.js';
import { CLI, runCli } from '../cli-runner.js';
import { syntheticPng, tempDir, temps, tree } from '../fixtures.js';


export const ROOT = path.join(import.meta.dirname, '..', '..');
export const FAULTY = path.join(import.meta.dirname, '..', 'fixtures', 'faulty-ops.mjs');


export const outputs = (dir: string): string[] => tree(dir).filter((f) => !f.startsWith('.tilepipe-manifest'));
export const events = (stdout: string): Array<Record<string, unknown>> => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

/** `n` distinct small PNGs in `dir`. */
export async function folder(dir: string, n: number, size = 48): Promise<string> {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) writeFileSync(path.join(dir, `img-${String(i).padStart(2, '0')}.png`), await syntheticPng(size + i, size, i + 1, false));
  return dir;
}

/** An SVG whose filters take libvips about `seconds` to render on this machine's kind (1500 px: ~1.7 s, 2500 px: ~16 s). */
export function slowSvg(px: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${px}" height="${px}"><filter id="f"><feTurbulence baseFrequency="0.01" numOctaves="10"/><feGaussianBlur stdDeviation="60"/></filter><rect width="${px}" height="${px}" filter="url(#f)"/></svg>`;
}
