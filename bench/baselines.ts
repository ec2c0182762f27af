/**
 * The baselines the benchmark runs beside tilepipe, each inside its own child
 * process (see run-one.ts):
 *
 * - main-thread: the same kernels, untiled, on the main thread, one image at a time
 *   (executeTile with one whole-image tile per tile stage, applyGeometry for
 *   geometry stages, the same decode/encode functions): "no tilepipe";
 * - sharp-tuned: sharp alone, one image per core in lanes, libvips threads split between lanes, cache off;
 * - sharp-default: sharp alone with its defaults, Promise.all over every file;
 * - jimp: pure-JS jimp, one image at a time;
 * - vips-cli: the `vips` command-line tool, one image per process chain, `xargs -P cores`;
 * - magick: ImageMagick's `mogrify` over every file in one process (OpenMP threads).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
// Type-only imports of the library; its modules are loaded lazily by the main-thread
// baseline, so the sharp and jimp children start without them.
import { OutputFormat } from '../src/model/options.js';
import type { Stage } from '../src/plan/plan.js';
import type { Raster } from '../src/model/raster.js';
import type { OpRegistry } from '../src/plan/registry.js';
import type { TileStep, TileTask } from '../src/exec/worker/executor.js';
import type { JimpStep, SharpStep } from './suite.js';

const EXTENSION: Record<OutputFormat, string> = { jpeg: 'jpg', png: 'png', webp: 'webp', avif: 'avif', tiff: 'tiff', gif: 'gif' };

/** Where the output of input `file` goes. */
export function outPath(outDir: string, file: string, format: OutputFormat): string {
  return path.join(outDir, `${path.basename(file, path.extname(file))}.${EXTENSION[format]}`);
}

/** Per-phase times of the main-thread baseline (ms, summed over images). */
export interface MainThreadTimes {
  readMs: number;
  decodeMs: number;
  computeMs: number;
  geometryMs: number;
  encodeMs: number;
}

/** Runs the stages of a plan on one raster, untiled, on this thread: each tile stage is one whole-image tile. */
export async function runUntiled(raster: Raster, stages: readonly Stage[], registry: OpRegistry, times: MainThreadTimes): Promise<Raster> {
  const { applyGeometry } = await import('../src/exec/geometry.js');
  const { executeTile } = await import('../src/exec/worker/executor.js');
  let cur = raster;
  let applied: unknown;
  for (const stage of stages) {
    if (stage.kind === 'geometry') {
      const t = performance.now();
      cur = await applyGeometry(cur, stage.ops);
      times.geometryMs += performance.now() - t;
      continue;
    }
    const t = performance.now();
    const steps: TileStep[] = stage.steps.map((s) => ({
      name: s.inst.def.name,
      params: s.inst.params,
      radius: s.radius,
      ...(s.inst.def.kind === 'global' ? { applied } : {}),
    }));
    const keepPixels = stage.steps.length > 0;
    const whole = { x: 0, y: 0, width: cur.width, height: cur.height };
    // executeTile works on task.buffer in place or into new buffers; it must cover exactly the image.
    const data = cur.data;
    const buffer = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? (data.buffer as ArrayBuffer) : data.slice().buffer;
    const task: TileTask = {
      steps,
      reduce: stage.reduce ? { name: stage.reduce.def.name, params: stage.reduce.params } : undefined,
      keepPixels, hasAlpha: cur.hasAlpha, channels: cur.channels, imageWidth: cur.width, imageHeight: cur.height,
      core: whole, input: whole, buffer, plugins: [],
    };
    const result = executeTile(task, registry);
    if (keepPixels && result.buffer) cur = { ...cur, data: new Uint8Array(result.buffer) };
    applied = undefined;
    if (stage.reduce && stage.reduce.def.kind === 'global') {
      applied = stage.reduce.def.finish(result.partial, stage.reduce.params as never);
    }
    times.computeMs += performance.now() - t;
  }
  return cur;
}

/** The "no tilepipe" reference: read, decode, untiled kernels, encode, one image at a time. */
export async function mainThread(files: readonly string[], ops: readonly string[], format: OutputFormat, outDir: string): Promise<MainThreadTimes> {
  // The same libvips settings a pipeline uses, so only the scheduling differs.
  sharp.concurrency(1);
  sharp.cache(false);
  const [{ resolveChain }, { decodeImage }, { readInput }, { encodeToFile }, { planChain, splitOnLoad }, { OpRegistry }] = await Promise.all([
    import('../src/plan/chain.js'), import('../src/io/decode.js'), import('../src/io/read.js'), import('../src/io/encode.js'), import('../src/plan/plan.js'), import('../src/plan/registry.js'),
  ]);
  const registry = new OpRegistry();
  // As the pipeline: a leading resize runs while decoding (shrink on load).
  const { onLoad, stages } = splitOnLoad(planChain(resolveChain(ops, registry)));
  const times: MainThreadTimes = { readMs: 0, decodeMs: 0, computeMs: 0, geometryMs: 0, encodeMs: 0 };
  for (const file of files) {
    let t = performance.now();
    const bytes = await readInput(file);
    times.readMs += performance.now() - t;
    t = performance.now();
    const decoded = await decodeImage(bytes, { onLoad });
    times.decodeMs += performance.now() - t;
    const raster = await runUntiled(decoded.raster, stages, registry, times);
    t = performance.now();
    await encodeToFile(raster, outPath(outDir, file, format), { format });
    times.encodeMs += performance.now() - t;
  }
  return times;
}

/** Applies a sharp recipe and the output format (sharp's defaults for quality and compression, as ours). */
export function sharpRecipe(image: Sharp, steps: readonly SharpStep[], format: OutputFormat): Sharp {
  let s = image;
  for (const step of steps) {
    switch (step.op) {
      case 'resize': s = s.resize({ width: step.width }); break;
      case 'median': s = s.median(step.size); break;
      case 'blur': s = step.precision ? s.blur({ sigma: step.sigma, precision: step.precision, minAmplitude: step.minAmplitude }) : s.blur(step.sigma); break;
      case 'convolve': s = s.convolve({ width: step.width, height: step.height, kernel: step.kernel, scale: step.scale, offset: step.offset }); break;
      case 'sharpen': s = step.sigma === undefined ? s.sharpen() : s.sharpen({ sigma: step.sigma }); break;
      case 'normalise': s = s.normalise(); break;
    }
  }
  return s.toFormat(format);
}

/**
 * sharp tuned for batches: `lanes` images at once (one per core, fewer when
 * there are fewer images), each with `cores / lanes` libvips threads, cache off.
 * UV_THREADPOOL_SIZE is set to the core count by the parent.
 */
export async function sharpTuned(files: readonly string[], steps: readonly SharpStep[], format: OutputFormat, outDir: string, cores: number): Promise<{ lanes: number; concurrency: number }> {
  const lanes = Math.max(1, Math.min(cores, files.length));
  const concurrency = Math.max(1, Math.floor(cores / lanes));
  sharp.concurrency(concurrency);
  sharp.cache(false);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < files.length) {
      const file = files[next++];
      await sharpRecipe(sharp(file), steps, format).toFile(outPath(outDir, file, format));
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return { lanes, concurrency };
}

/** sharp as most code uses it: default concurrency and cache, every file at once. */
export async function sharpDefault(files: readonly string[], steps: readonly SharpStep[], format: OutputFormat, outDir: string): Promise<{ concurrency: number }> {
  await Promise.all(files.map((file) => sharpRecipe(sharp(file), steps, format).toFile(outPath(outDir, file, format))));
  return { concurrency: sharp.concurrency() };
}

/** jimp, one image at a time (pure JS: decode, ops, encode all on the main thread). */
export async function jimp(files: readonly string[], steps: readonly JimpStep[], format: OutputFormat, outDir: string): Promise<void> {
  const { Jimp } = await import('jimp');
  const mime = { jpeg: 'image/jpeg', png: 'image/png' } as const;
  if (format !== 'jpeg' && format !== 'png') throw new Error(`jimp baseline writes jpeg or png, not ${format}`);
  for (const file of files) {
    const image = await Jimp.read(file);
    for (const step of steps) {
      switch (step.op) {
        case 'resize': image.resize({ w: step.width }); break;
        case 'blur': image.blur(step.radius); break;
        case 'convolute': image.convolute({ kernel: step.kernel }); break;
      }
    }
    const data = format === 'jpeg' ? await image.getBuffer(mime.jpeg, { quality: 80 }) : await image.getBuffer(mime.png);
    await writeFile(outPath(outDir, file, format), data);
  }
}

/** The first of `names` found in the usual bin folders, or undefined. */
export function findTool(...names: string[]): string | undefined {
  for (const dir of ['/usr/bin', '/usr/local/bin', '/bin', '/opt/homebrew/bin']) {
    for (const name of names) if (existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

function exec(cmd: string, args: readonly string[], input?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => { err += d; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(cmd)} exited ${code}: ${err.trim().slice(0, 500)}`))));
    if (input !== undefined) child.stdin!.end(input);
  });
}

/**
 * The vips command-line tool: `thumbnail` to `width`, `gaussblur` σ 2, `sharpen`
 * (its defaults), JPEG Q 80; one shell chain per image, `cores` at a time (xargs -P).
 */
export async function vipsCli(files: readonly string[], width: number, outDir: string, cores: number): Promise<void> {
  const vips = findTool('vips');
  if (!vips) throw new Error('vips is not installed');
  const script = 'set -e; b="$2/$(basename "$1" .jpg)"; "$3" thumbnail "$1" "$b.a.v" "$4"; "$3" gaussblur "$b.a.v" "$b.b.v" 2; rm "$b.a.v"; "$3" sharpen "$b.b.v" "$b.jpg[Q=80]"; rm "$b.b.v"';
  await exec('xargs', ['-0', '-P', String(cores), '-I', '{}', 'sh', '-c', script, 'sh', '{}', outDir, vips, String(width)], files.join('\0'));
}

/** ImageMagick's mogrify over every file at once (its OpenMP threads use every core). */
export async function magick(files: readonly string[], args: readonly string[], outDir: string): Promise<void> {
  const mogrify = findTool('mogrify');
  if (!mogrify) throw new Error('mogrify (ImageMagick) is not installed');
  await exec(mogrify, ['-path', outDir, ...args, '-format', 'jpg', ...files]);
}
