/** Deterministic test images and pixel comparison, shared by the tests. */
import sharp from 'sharp';
import pixelmatch from 'pixelmatch';
import { existsSync, mkdtempSync, readdirSync, type Dirent } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TileView } from '../dist/src/model/op.js';

/** Whether this Node runs on glibc (where tilepipe builds and loads its allocator helper). */
export const IS_GLIBC = Boolean((process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime);

/** A seeded PRNG (mulberry32) returning floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `length` uniformly random bytes drawn from `rand` (a seeded `rng`), for kernel tests. */
export function noise(length: number, rand: () => number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (rand() * 256) | 0;
  return bytes;
}

/**
 * Raw RGBA of a photographic-like image: gradients, a hard-edged square,
 * noise and (with alpha) a soft transparent region.
 */
export function syntheticRgba(width: number, height: number, seed: number, alpha: boolean): Uint8Array {
  const r = rng(seed);
  const d = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const inSquare = x > width / 4 && x < width / 2 && y > height / 3 && y < (2 * height) / 3;
      const n = (r() - 0.5) * 60;
      d[i] = Math.max(0, Math.min(255, (x / width) * 255 + n));
      d[i + 1] = inSquare ? 230 : Math.max(0, Math.min(255, (y / height) * 200 + n));
      d[i + 2] = Math.max(0, Math.min(255, 128 + 100 * Math.sin((x + y) / 7) + n));
      const dx = x - width * 0.7, dy = y - height * 0.5;
      d[i + 3] = alpha ? Math.max(0, Math.min(255, 255 - Math.sqrt(dx * dx + dy * dy) * 6)) : 255;
    }
  }
  return d;
}

/** A PNG of {@link syntheticRgba} (3 channels without alpha). */
export async function syntheticPng(width: number, height: number, seed: number, alpha: boolean): Promise<Buffer> {
  const img = sharp(syntheticRgba(width, height, seed, alpha), { raw: { width, height, channels: 4 } });
  return (alpha ? img : img.removeAlpha()).png().toBuffer();
}

/** Decodes an image to raw RGBA. */
export async function rawRgba(image: Buffer | string): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
  const { data, info } = await sharp(image).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** Number of differing pixels between two encoded images (pixelmatch, threshold 0). Throws if sizes differ. */
export async function diffPixels(a: Buffer | string, b: Buffer | string): Promise<number> {
  const [ra, rb] = await Promise.all([rawRgba(a), rawRgba(b)]);
  if (ra.width !== rb.width || ra.height !== rb.height) {
    throw new Error(`size differs: ${ra.width}x${ra.height} vs ${rb.width}x${rb.height}`);
  }
  return pixelmatch(ra.data, rb.data, undefined, ra.width, ra.height, { threshold: 0 });
}

/** A fresh temporary folder. */
export function tempDir(prefix = 'tilepipe-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Every file below `dir`, relative, sorted (hidden ones too); empty if `dir` does not exist. */
export function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)))
    .sort();
}

/** Temp files of atomic writes left below `dir`. */
export const temps = (dir: string): string[] => tree(dir).filter((f) => f.includes('tilepipe-tmp'));

/** A `dst` region of an image and its `src` view (grown by r, clipped to the image), as a tile stage cuts them, for kernel tests. */
export function tileRegion(img: Uint8Array, W: number, H: number, dx: number, dy: number, dw: number, dh: number, r: number, c: 3 | 4 = 4): { src: TileView; dst: TileView } {
  const sx = Math.max(0, dx - r), sy = Math.max(0, dy - r);
  const ex = Math.min(W, dx + dw + r), ey = Math.min(H, dy + dh + r);
  const data = new Uint8Array((ex - sx) * (ey - sy) * c);
  for (let y = sy; y < ey; y++) data.set(img.subarray((y * W + sx) * c, (y * W + ex) * c), (y - sy) * (ex - sx) * c);
  const src = { data, channels: c, x: sx, y: sy, width: ex - sx, height: ey - sy, imageWidth: W, imageHeight: H };
  const dst = { data: new Uint8Array(dw * dh * c), channels: c, x: dx, y: dy, width: dw, height: dh, imageWidth: W, imageHeight: H };
  return { src, dst };
}
