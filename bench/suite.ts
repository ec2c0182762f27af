/**
 * The benchmark's three workloads (batch, big, custom): their chains, the
 * nearest sharp and jimp recipes, and deterministic inputs generated at run
 * time and cached in `os.tmpdir()/tilepipe-bench/`.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { OpRegistry } from '../src/plan/registry.js';
import { OutputFormat } from '../src/model/options.js';
import { syntheticRaster } from './workload.js';

export type WorkloadName = 'batch' | 'big' | 'custom';
export const WORKLOAD_NAMES: readonly WorkloadName[] = ['batch', 'big', 'custom'];

/** One step of a sharp recipe (applied in sharp's own fixed order: resize → median → blur → convolve → sharpen → normalise). */
export type SharpStep =
  | { readonly op: 'resize'; readonly width: number }
  | { readonly op: 'median'; readonly size: number }
  | { readonly op: 'blur'; readonly sigma: number }
  | { readonly op: 'convolve'; readonly width: number; readonly height: number; readonly kernel: number[]; readonly scale: number; readonly offset: number }
  | { readonly op: 'sharpen'; readonly sigma: number }
  | { readonly op: 'normalise' };

/** One step of a jimp recipe, applied in order. */
export type JimpStep =
  | { readonly op: 'resize'; readonly width: number }
  | { readonly op: 'blur'; readonly radius: number }
  | { readonly op: 'convolute'; readonly kernel: number[][] };

/** A workload: inputs, our chain, and the nearest chains of the baselines. */
export interface Workload {
  readonly name: WorkloadName;
  /** Megapixels of the warm-up image (never more than an input's). */
  readonly warmMp: number;
  readonly count: number;
  readonly width: number;
  readonly height: number;
  /** Input megapixels per image. */
  readonly mp: number;
  /** Our chain, as `--op` strings. */
  readonly ops: string[];
  readonly format: OutputFormat;
  readonly sharp: readonly SharpStep[];
  /** Where the sharp chain differs from ours (printed with the results). */
  readonly sharpDiffers: string;
  readonly jimp?: { readonly steps: readonly JimpStep[]; readonly subset: number; readonly differs: string };
  /** Set when a stand-in chain replaces the intended one (e.g. an op not registered yet). */
  readonly note?: string;
}

/** Sizes of the workloads. */
export interface SuiteOptions {
  readonly quick: boolean;
  /** Multiplies every image's megapixels. */
  readonly scale: number;
  /** Overrides the image count of batch and custom. */
  readonly images?: number;
  /** Images jimp processes (its time is scaled to the whole batch). */
  readonly jimpSubset?: number;
  /** Megapixels of the untimed warm-up image each run processes first (default: 1, quick 0.15). */
  readonly warmMp?: number;
}

/** Width and height of a 4:3 image of about `mp` megapixels. */
export function dims43(mp: number): { width: number; height: number } {
  const width = Math.max(16, Math.round(Math.sqrt((mp * 1e6 * 4) / 3)));
  return { width, height: Math.max(12, Math.round((width * 3) / 4)) };
}

function has(registry: OpRegistry, name: string): boolean {
  try {
    registry.get(name);
    return true;
  } catch {
    return false;
  }
}

const SOBEL_X = [-1, 0, 1, -2, 0, 2, -1, 0, 1];
const SHARPEN_3X3 = [[0, -1, 0], [-1, 5, -1], [0, -1, 0]];

/** The three workloads at the requested sizes. */
export function workloads(options: SuiteOptions): Workload[] {
  const { quick, scale } = options;
  const mk = (name: WorkloadName, count: number, mp: number) => {
    const d = dims43(mp * scale);
    const area = (d.width * d.height) / 1e6;
    return { name, count, ...d, mp: area, warmMp: Math.min(area, options.warmMp ?? (quick ? 0.15 : 1)) };
  };
  const batch = mk('batch', options.images ?? (quick ? 6 : 24), quick ? 0.5 : 12);
  const big = mk('big', 1, quick ? 1.5 : 48);
  const custom = mk('custom', options.images ?? (quick ? 6 : 24), quick ? 0.3 : 6);

  // Batch: resize to half the source width (2000 px for 12 MP 4000 × 3000), so smaller runs keep the same shape of work.
  const resizeWidth = Math.round(batch.width / 2);
  const registry = new OpRegistry();
  const haveCustomOps = has(registry, 'median') && has(registry, 'equalize');

  return [
    {
      ...batch,
      ops: [`resize:width=${resizeWidth}`, 'blur:sigma=2', 'sharpen'],
      format: 'jpeg',
      sharp: [{ op: 'resize', width: resizeWidth }, { op: 'blur', sigma: 2 }, { op: 'sharpen', sigma: 1 }],
      sharpDiffers:
        'sharpen({sigma:1}) is libvips\' unsharp mask on the L channel of LAB with its own m1/m2 gains, ours is a per-channel RGB unsharp mask ' +
        '(amount 1, threshold 0); sharp works on 3 channels, we on RGBA; blur(2) is libvips\' approximate Gaussian (min amplitude 0.2), ours exact integer weights to 3σ.',
      jimp: {
        steps: [{ op: 'resize', width: resizeWidth }, { op: 'blur', radius: 2 }, { op: 'convolute', kernel: SHARPEN_3X3 }],
        subset: options.jimpSubset ?? (quick ? 1 : 4),
        differs:
          'blur(2) is jimp\'s two-pass box blur of radius 2 (same variance as σ = 2; jimp\'s true gaussian(2) takes ~30 s per 3 MP image), ' +
          'sharpen is a 3×3 Laplacian convolution, JPEG quality set to 80 as ours; decode/encode are pure JS.',
      },
    },
    {
      ...big,
      ops: ['blur:sigma=4', 'sobel', 'normalize'],
      format: 'png',
      sharp: [
        { op: 'blur', sigma: 4 },
        { op: 'convolve', width: 3, height: 3, kernel: SOBEL_X, scale: 4, offset: 128 },
        { op: 'normalise' },
      ],
      sharpDiffers:
        'sharp cannot express a gradient magnitude in one pipeline: one signed 3×3 Sobel-x convolution (scale 4, offset 128) stands in for ' +
        'per-channel √(Gx²+Gy²)/4 (half the taps, no square root); normalise() stretches luminance between its 1st and 99th percentiles, ours each channel min..max.',
    },
    haveCustomOps
      ? {
          ...custom,
          ops: ['median:radius=2', 'equalize'],
          format: 'webp',
          sharp: [{ op: 'median', size: 5 }, { op: 'normalise' }],
          sharpDiffers: 'sharp has no histogram equalisation: normalise() (a linear luminance stretch, 1st..99th percentile) stands in for equalize; median(5) = our median radius 2.',
        }
      : {
          ...custom,
          ops: ['blur:sigma=0.6', 'normalize'],
          format: 'webp',
          sharp: [{ op: 'blur', sigma: 0.6 }, { op: 'normalise' }],
          sharpDiffers: 'normalise() stretches luminance 1st..99th percentile, ours each channel min..max.',
          note: 'STAND-IN CHAIN: median and/or equalize are not registered in this build, so blur:sigma=0.6 → normalize (radius 2 + a global op) replaces median:radius=2 → equalize.',
        },
  ];
}

/** The cache folder of generated inputs. */
export const CACHE_ROOT = path.join(os.tmpdir(), 'tilepipe-bench');
const GENERATOR = 'v1';

async function writeImage(file: string, width: number, height: number, seed: number): Promise<void> {
  if (existsSync(file)) return;
  const raster = syntheticRaster(width, height, seed);
  const tmp = `${file}.${process.pid}.tmp`;
  // A light blur softens the per-pixel noise towards a camera-like spectrum; JPEG quality 90 as a camera would write.
  await sharp(raster.data, { raw: { width, height, channels: 4 } })
    .removeAlpha()
    .blur(0.6)
    .jpeg({ quality: 90 })
    .toFile(tmp);
  await rename(tmp, file);
}

/** Generates (or finds in the cache) a workload's inputs, plus a small warm-up image. */
export async function prepareInputs(w: Workload, log: (s: string) => void): Promise<{ files: string[]; warm: string }> {
  const dir = path.join(CACHE_ROOT, GENERATOR, `${w.name}-${w.count}x${w.width}x${w.height}`);
  await mkdir(dir, { recursive: true });
  const files = Array.from({ length: w.count }, (_, i) => path.join(dir, `img-${String(i).padStart(3, '0')}.jpg`));
  const missing = files.filter((f) => !existsSync(f)).length;
  if (missing > 0) log(`generating ${missing} × ${w.width}×${w.height} JPEG for ${w.name} in ${dir}`);
  for (let i = 0; i < files.length; i++) await writeImage(files[i], w.width, w.height, 1000 * (WORKLOAD_NAMES.indexOf(w.name) + 1) + i);
  // Warm-up input (run once inside each child before timing).
  const wd = dims43(w.warmMp);
  const warm = path.join(CACHE_ROOT, GENERATOR, `warm-${wd.width}x${wd.height}.jpg`);
  await writeImage(warm, wd.width, wd.height, 7);
  await writeFile(path.join(dir, 'README.txt'), 'Generated by tilepipe bench/run.ts; safe to delete.\n');
  return { files, warm };
}
