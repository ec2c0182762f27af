/**
 * The output side of the I/O stage: encoding with sharp, and atomic writes
 * (a temp file in the target's folder, then rename).
 */
import { mkdir, readdir, realpath, rename, stat, unlink } from 'node:fs/promises';
import { processAlive } from '../runs/process-alive.js';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { withDeadline } from '../exec/deadline.js';
import sharp, { type Sharp } from 'sharp';
import type { Raster } from '../model/raster.js';
import { ValidationError } from '../model/param.js';
import { withSourceMetadata, type SourceMetadata } from './metadata.js';
import { writePngParallel, type DeflateRunner } from './png/encoder.js';

/** Formats tilepipe writes. */
export const OUTPUT_FORMATS = ['jpeg', 'png', 'webp', 'avif', 'tiff', 'gif'] as const;

/** A format tilepipe writes. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const EXTENSIONS: Record<string, OutputFormat> = {
  jpg: 'jpeg', jpeg: 'jpeg', png: 'png', webp: 'webp', avif: 'avif', tif: 'tiff', tiff: 'tiff', gif: 'gif',
};

/** File extension written for each format. */
export const FORMAT_EXTENSION: Record<OutputFormat, string> = {
  jpeg: 'jpg', png: 'png', webp: 'webp', avif: 'avif', tiff: 'tiff', gif: 'gif',
};

/** The output format implied by a file name's extension, if tilepipe writes it. */
export function formatFromPath(file: string): OutputFormat | undefined {
  return EXTENSIONS[path.extname(file).slice(1).toLowerCase()];
}

/** Validates a format name (accepts `jpg` and `tif` too). */
export function parseFormat(name: string): OutputFormat {
  const f = EXTENSIONS[name.toLowerCase()];
  if (!f) throw new ValidationError(`format must be one of ${OUTPUT_FORMATS.join(', ')}, got "${name}"`);
  return f;
}

/** How to encode one output. */
export interface EncodeOptions {
  readonly format: OutputFormat;
  /** 1–100 for jpeg, webp, avif and tiff; ignored by png and gif. */
  readonly quality?: number;
  /** Resize to this width first (a variant of the processed image); the aspect ratio is kept, and images are never enlarged. */
  readonly width?: number;
  /** Source metadata to keep (sRGB profile + textual EXIF); stripped when absent. */
  readonly metadata?: SourceMetadata;
}

/** Details of an encoded output. */
export interface EncodedInfo {
  readonly format: OutputFormat;
  readonly width: number;
  readonly height: number;
  readonly bytes: number;
  /** Modification time of the written file (ms), as the manifest records it; absent for in-memory encodes. */
  readonly mtimeMs?: number;
}

/**
 * Largest JPEG (in pixels) written with optimised Huffman tables. Optimising
 * needs every DCT coefficient of the image in memory (~5.8 bytes per pixel:
 * +580 MB at 100 MP); above this size the encoder streams instead, 2.4×
 * faster, with files ~25–40 % larger. It keeps a 100 MP image within
 * 3 × its RGBA size + 200 MB (README, "Memory model").
 */
export const JPEG_OPTIMISE_MAX_PIXELS = 64_000_000;

function encoder(raster: Raster, options: EncodeOptions): Sharp {
  let image = sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: 4 } });
  if (options.width && options.width !== raster.width) image = image.resize({ width: options.width, withoutEnlargement: true });
  if (!raster.hasAlpha) image = image.removeAlpha();
  else if (options.format === 'jpeg') image = image.flatten({ background: '#ffffff' });
  if (options.metadata) image = withSourceMetadata(image, options.metadata);
  const q = options.quality;
  switch (options.format) {
    case 'jpeg': return image.jpeg({ ...(q ? { quality: q } : {}), optimiseCoding: raster.width * raster.height <= JPEG_OPTIMISE_MAX_PIXELS });
    case 'webp': return image.webp(q ? { quality: q } : {});
    case 'avif': return image.avif(q ? { quality: q } : {});
    case 'tiff': return image.tiff(q ? { quality: q } : {});
    case 'png': return image.png();
    case 'gif': return image.gif();
  }
}

/** Encodes a raster into memory. */
export async function encodeToBuffer(raster: Raster, options: EncodeOptions): Promise<{ data: Buffer; info: EncodedInfo }> {
  const { data, info } = await encoder(raster, options).toBuffer({ resolveWithObject: true });
  return { data, info: { format: options.format, width: info.width, height: info.height, bytes: info.size } };
}

/** Workers to deflate big PNGs on (see png-encoder.ts), and from what size. */
export interface ParallelEncode {
  /** Runs one band's deflate on a worker. */
  readonly run: DeflateRunner;
  /** Bands in flight at once. */
  readonly window: number;
  /** Smallest image, in pixels, encoded this way; smaller ones go to sharp. */
  readonly minPixels: number;
}

/**
 * Encodes a raster straight into `target`, atomically: the encoder writes a
 * hidden temp file in the same folder, which is renamed over `target` only
 * once complete. On any failure the temp file is removed and `target` is untouched.
 * With `parallel`, a PNG of at least `minPixels` (no metadata, no resize) is
 * deflated in bands on the workers; every other output is encoded by sharp.
 */
export async function encodeToFile(
  raster: Raster, target: string, options: EncodeOptions, write: WriteOptions = {}, parallel?: ParallelEncode,
): Promise<EncodedInfo & { readonly mtimeMs: number }> {
  const banded = parallel !== undefined && options.format === 'png' && !options.metadata &&
    (!options.width || options.width >= raster.width) && raster.width * raster.height >= parallel.minPixels;
  if (banded) {
    const { value: bytes, mtimeMs } = await writeAtomic(target, (tmp) => writePngParallel(raster, tmp, { run: parallel.run, window: parallel.window, signal: write.signal }), write);
    return { format: 'png', width: raster.width, height: raster.height, bytes, mtimeMs };
  }
  const { value: info, mtimeMs } = await writeAtomic(target, (tmp) => encoder(raster, options).toFile(tmp), write);
  return { format: options.format, width: info.width, height: info.height, bytes: info.size, mtimeMs };
}

/** This machine's tag in temp-file names: temp files are only swept by processes of the machine that made them. */
export const HOST_TAG = createHash('sha256').update(os.hostname()).digest('hex').slice(0, 8);

/** Matches a temp-file name; groups: host tag, pid. */
export const TEMP_NAME_RE = /\.tilepipe-tmp-([0-9a-f]{8})-(\d+)-[0-9a-f]+$/;

/**
 * Removes the temp files in `dir` that processes of this machine left when
 * they died (SIGKILL, power loss); those of live processes, and of other
 * machines sharing the folder, are kept. Returns how many were removed.
 */
export async function removeStaleTemps(dir: string): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const m = TEMP_NAME_RE.exec(name);
    if (!m || m[1] !== HOST_TAG || processAlive(Number(m[2]))) continue;
    await unlink(path.join(dir, name)).then(() => removed++, () => {});
  }
  return removed;
}

/** The temp-file name used while writing `target`: hidden, unique, in the same folder, naming this host and process. */
export function tempPathFor(target: string): string {
  const dir = path.dirname(target);
  return path.join(dir, `.${path.basename(target)}.tilepipe-tmp-${HOST_TAG}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Options of {@link writeAtomic}. */
export interface WriteOptions {
  /** If aborted before the rename, the temp file is removed and the target is not touched. */
  readonly signal?: AbortSignal;
  /** Refuse to write unless the target's folder, with symbolic links resolved, is inside this folder. */
  readonly within?: string;
}

function inside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Resolves symbolic links in the deepest existing ancestor of `dir` (the rest does not exist yet). */
async function resolveExisting(dir: string): Promise<string> {
  let rest = '';
  let cur = dir;
  for (;;) {
    try {
      return path.join(await realpath(cur), rest);
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return dir;
      rest = path.join(path.basename(cur), rest);
      cur = parent;
    }
  }
}

async function checkWithin(root: string, dir: string): Promise<void> {
  const realRoot = await resolveExisting(path.resolve(root));
  if (!inside(realRoot, await resolveExisting(path.resolve(dir)))) {
    throw new Error(`refusing to write outside the out-dir: ${dir} resolves (through a symbolic link) outside ${root}`);
  }
}

/** What {@link writeAtomic} wrote: the writer's result, and the file's size and modification time. */
export interface AtomicWrite<T> {
  readonly value: T;
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * Runs `write(tmp)` and renames `tmp` to `target`; removes `tmp` if anything
 * fails, or if the signal aborts meanwhile (then `target` is not touched, and
 * a writer still running is abandoned and its temp file removed once it
 * ends). The size and mtime are those of the file renamed into place, read
 * before the rename, so they describe this write even if another process
 * replaces `target` right after.
 */
export async function writeAtomic<T>(target: string, write: (tmp: string) => Promise<T>, options: WriteOptions = {}): Promise<AtomicWrite<T>> {
  const { signal, within } = options;
  const dir = path.dirname(target);
  if (within) await checkWithin(within, dir); // before mkdir, which would follow a link
  await mkdir(dir, { recursive: true });
  if (within) await checkWithin(within, dir);
  const tmp = tempPathFor(target);
  const removeTmp = (): Promise<void> => unlink(tmp).catch(() => {});
  let work: Promise<T> | undefined;
  try {
    signal?.throwIfAborted();
    work = write(tmp);
    const value = await withDeadline(work, signal, 'writing');
    signal?.throwIfAborted();
    const s = await stat(tmp);
    await rename(tmp, target);
    return { value, size: s.size, mtimeMs: s.mtimeMs };
  } catch (err) {
    await removeTmp();
    work?.then(removeTmp, removeTmp); // an abandoned writer may create the file after this
    throw err;
  }
}
