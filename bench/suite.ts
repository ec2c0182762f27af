/**
 * The benchmark's workloads (batch, big, custom, photos, photos-fast,
 * photos-resize): their
 * chains, the nearest sharp, jimp, vips-CLI and ImageMagick recipes, and
 * deterministic inputs generated at run time and cached in
 * `os.tmpdir()/tilepipe-bench/`.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { OpRegistry } from '../src/plan/registry.js';
import { OutputFormat } from '../src/model/options.js';
import { syntheticRaster } from './workload.js';

export type WorkloadName = 'batch' | 'big' | 'custom' | 'photos' | 'photos-fast' | 'photos-resize';
export const WORKLOAD_NAMES: readonly WorkloadName[] = ['batch', 'big', 'custom', 'photos', 'photos-fast', 'photos-resize'];

/**
 * One step of a sharp recipe (applied in sharp's own fixed order: resize → median → blur → convolve → sharpen → normalise).
 * blur without precision is sharp's default (integer kernel truncated at 0.2 of the peak); sharpen without sigma is
 * sharp's default mild 3×3 convolution, with sigma its LAB unsharp mask.
 */
export type SharpStep =
  | { readonly op: 'resize'; readonly width: number }
  | { readonly op: 'median'; readonly size: number }
  | { readonly op: 'blur'; readonly sigma: number; readonly precision?: 'float'; readonly minAmplitude?: number }
  | { readonly op: 'convolve'; readonly width: number; readonly height: number; readonly kernel: number[]; readonly scale: number; readonly offset: number }
  | { readonly op: 'sharpen'; readonly sigma?: number }
  | { readonly op: 'normalise' };

/** Input images of one size. */
export interface ImageGroup {
  readonly count: number;
  readonly width: number;
  readonly height: number;
}

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
  /** Inputs of several sizes (photos); default: `count` × `width` × `height`. */
  readonly groups?: readonly ImageGroup[];
  /** A second sharp-tuned recipe with kernels like ours (baseline `sharp-like`). */
  readonly sharpLike?: { readonly steps: readonly SharpStep[]; readonly differs: string };
  /** The same chain with the vips command-line tool and ImageMagick's mogrify, when installed. */
  readonly cli?: { readonly width: number; readonly vipsDiffers: string; readonly magick: readonly string[]; readonly magickDiffers: string };
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

  // Photos: camera-sized JPEGs whose widths no shrink-on-load factor divides into 2000 (2725 → 2000 is 0.734×).
  const linear = Math.sqrt(scale) / (quick ? 4 : 1);
  const groups: ImageGroup[] = [
    { count: quick ? 4 : 20, width: Math.round(2725 * linear), height: Math.round(2225 * linear) },
    { count: quick ? 2 : 6, width: Math.round(3776 * linear), height: Math.round(2152 * linear) },
  ];
  const photoCount = groups.reduce((n, g) => n + g.count, 0);
  const photoMp = groups.reduce((n, g) => n + g.count * g.width * g.height, 0) / photoCount / 1e6;
  const photoWidth = Math.round(2000 * linear);
  const photos = {
    count: photoCount, width: groups[0].width, height: groups[0].height, mp: photoMp,
    warmMp: Math.min(photoMp, options.warmMp ?? (quick ? 0.15 : 1)), groups, format: 'jpeg' as const,
  };
  const SHARP_DEFAULTS = 'sharp\'s defaults: blur(2) is libvips\' approximate integer kernel (taps down to 0.2 of the peak: 7 at σ = 2); ' +
    'sharpen() is a mild 3×3 convolution ([-1 -1 -1; -1 32 -1; -1 -1 -1] / 24); both work on 3 channels (RGB).';
  const photoDefaults: SharpStep[] = [{ op: 'resize', width: photoWidth }, { op: 'blur', sigma: 2 }, { op: 'sharpen' }];

  return [
    {
      ...batch,
      ops: [`resize:width=${resizeWidth}`, 'blur:sigma=2', 'sharpen'],
      format: 'jpeg',
      sharp: [{ op: 'resize', width: resizeWidth }, { op: 'blur', sigma: 2 }, { op: 'sharpen', sigma: 1 }],
      sharpDiffers:
        'sharpen({sigma:1}) is libvips\' unsharp mask on the L channel of LAB with its own m1/m2 gains, ours is a per-channel RGB unsharp mask ' +
        '(amount 1, threshold 0); both work on 3 channels; blur(2) is libvips\' approximate Gaussian (min amplitude 0.2), ours exact integer weights to 3σ.',
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
    {
      name: 'photos', ...photos,
      ops: [`resize:width=${photoWidth}`, 'blur:sigma=2', 'sharpen'],
      sharp: photoDefaults,
      sharpDiffers: `the defaults users type on both sides, not the same work: ours is an exact Gaussian to 3σ (13 taps) and an RGB unsharp mask (σ 1, 7-tap Gaussian); ${SHARP_DEFAULTS}`,
      sharpLike: {
        steps: [{ op: 'resize', width: photoWidth }, { op: 'blur', sigma: 2, precision: 'float', minAmplitude: Math.exp(-4.5) }, { op: 'sharpen', sigma: 1 }],
        differs: 'like for like: a float Gaussian to 3σ (ours: the same taps in 14-bit integers); sharpen({ sigma: 1 }) is libvips\' unsharp mask on the L of LAB ' +
          'with its m1/m2 gains, ours a per-channel RGB unsharp mask (amount 1): about the same work.',
      },
      cli: {
        width: photoWidth,
        vipsDiffers: 'vips thumbnail (shrink-on-load + lanczos3), gaussblur σ 2 (its default approximate kernel), sharpen with its defaults (σ 0.5, LAB), ' +
          'JPEG Q 80, one image per process, `xargs -P cores`: three processes and two .v temp files per image.',
        magick: ['-resize', `${photoWidth}x`, '-blur', '0x2', '-sharpen', '0x1', '-quality', '80'],
        magickDiffers: 'mogrify -resize (Lanczos) -blur 0x2 -sharpen 0x1 -quality 80: ImageMagick\'s own kernels in 16-bit (Q16), OpenMP threads on every core, one process for all files.',
      },
      note: `${groups.map((g) => `${g.count} × ${g.width}×${g.height}`).join(' and ')} camera-like JPEGs (gradients, edges, noise, quality 90), resized to ${photoWidth} wide: no shrink-on-load shortcut.`,
    },
    {
      name: 'photos-fast', ...photos,
      ops: [`resize:width=${photoWidth}`, 'blur:sigma=2,precision=approximate', 'sharpen:precision=approximate'],
      sharp: photoDefaults,
      sharpDiffers: 'blur: the same kernel (sharp\'s default, ours within one level); sharpen() is a mild 3×3 convolution where ours is an RGB unsharp mask ' +
        'whose blur is the approximate 3-tap Gaussian (σ 1), plus the detail step; both work on 3 channels.',
      note: 'The photos inputs, with both Gaussians at precision=approximate: the kernels sharp\'s defaults use.',
    },
    {
      name: 'photos-resize', ...photos,
      ops: [`resize:width=${photoWidth}`],
      sharp: [{ op: 'resize', width: photoWidth }],
      sharpDiffers: 'the same work: sharp\'s resize (lanczos3, shrink-on-load where it applies) and its JPEG encoder on both sides; ours also hashes every input and keeps the manifest.',
      note: 'The photos inputs, resize only: a chain with nothing between decode and encode, which tilepipe runs as one sharp pipeline.',
    },
  ];
}

/** The cache folder of generated inputs. */
export const CACHE_ROOT = path.join(os.tmpdir(), 'tilepipe-bench');
const GENERATOR = 'v1';

/** Writes a camera-like JPEG (the bench's generator, seeded) unless `file` exists. */
export async function writeImage(file: string, width: number, height: number, seed: number): Promise<void> {
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
  // Workloads over the same groups (photos, photos-fast) share their inputs; every file is distinct (its own seed).
  const groups = w.groups ?? [{ count: w.count, width: w.width, height: w.height }];
  const family = w.groups ? 'photos' : w.name;
  const dir = path.join(CACHE_ROOT, GENERATOR, `${family}-${groups.map((g) => `${g.count}x${g.width}x${g.height}`).join('+')}`);
  await mkdir(dir, { recursive: true });
  const sized = groups.flatMap((g) => Array.from({ length: g.count }, () => g));
  const files = sized.map((_, i) => path.join(dir, `img-${String(i).padStart(3, '0')}.jpg`));
  const missing = files.filter((f) => !existsSync(f)).length;
  if (missing > 0) log(`generating ${missing} JPEG (${groups.map((g) => `${g.count} × ${g.width}×${g.height}`).join(', ')}) for ${family} in ${dir}`);
  const seedBase = 1000 * (WORKLOAD_NAMES.indexOf(family as WorkloadName) + 1);
  for (let i = 0; i < files.length; i++) await writeImage(files[i], sized[i].width, sized[i].height, seedBase + i);
  // Warm-up input (run once inside each child before timing).
  const wd = dims43(w.warmMp);
  const warm = path.join(CACHE_ROOT, GENERATOR, `warm-${wd.width}x${wd.height}.jpg`);
  await writeImage(warm, wd.width, wd.height, 7);
  await writeFile(path.join(dir, 'README.txt'), 'Generated by tilepipe bench/run.ts; safe to delete.\n');
  return { files, warm };
}
