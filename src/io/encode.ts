/**
 * The output side of the I/O stage: encoding with sharp (or the banded PNG
 * encoder on the workers), written through an atomic write.
 */
import { sharpEncoderOptions, type EncoderSettings } from '../model/encoder-options.js';
import path from 'node:path';
import sharp from './sharp.js';
import type { Sharp } from 'sharp';
import type { Raster } from '../model/raster.js';
import type { OutputFormat } from '../model/options.js';
import { writeAtomic, type WriteOptions } from './atomic-write.js';
import { withEncoderThreads } from './encoder-threads.js';
import { withSourceMetadata, type SourceMetadata } from './metadata.js';
import { writePngParallel, type DeflateRunner } from './png/encoder.js';

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

/** How to encode one output. */
export interface EncodeOptions {
  readonly format: OutputFormat;
  /** 1–100 for jpeg, webp, avif and tiff; ignored by png and gif. */
  readonly quality?: number;
  /** The format's encoder settings (effort, lossless, progressive, …). */
  readonly encoder?: EncoderSettings;
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
  let image = sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: raster.channels } });
  if (options.width && options.width !== raster.width) image = image.resize({ width: options.width, withoutEnlargement: true });
  if (!raster.hasAlpha && raster.channels === 4) image = image.removeAlpha();
  return encodingSteps(image, raster.width * raster.height, options);
}

/**
 * The encoding steps that follow the pixels in a sharp pipeline: JPEG
 * flattened onto white, the kept metadata, and the format with its settings
 * (`pixels`: the encoded image's size, which decides JPEG's optimised coding).
 */
export function encodingSteps(input: Sharp, pixels: number, options: EncodeOptions): Sharp {
  let image = input;
  if (options.format === 'jpeg') image = image.flatten({ background: '#ffffff' });
  if (options.metadata) image = withSourceMetadata(image, options.metadata);
  const q = options.quality;
  const enc = sharpEncoderOptions(options.format, options.encoder);
  const quality = q ? { quality: q } : {};
  switch (options.format) {
    case 'jpeg': return image.jpeg({ ...quality, optimiseCoding: pixels <= JPEG_OPTIMISE_MAX_PIXELS, ...enc });
    case 'webp': return image.webp({ ...quality, ...enc });
    case 'avif': return image.avif({ ...quality, ...enc });
    case 'tiff': return image.tiff({ ...quality, ...enc });
    case 'png': return image.png(enc);
    case 'gif': return image.gif(enc);
  }
}

/** Encodes a raster into memory. */
export async function encodeToBuffer(raster: Raster, options: EncodeOptions): Promise<{ data: Buffer; info: EncodedInfo }> {
  const { data, info } = await withEncoderThreads(options.format, () => encoder(raster, options).toBuffer({ resolveWithObject: true }));
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
): Promise<EncodedInfo & { readonly mtimeMs: number; readonly path: string }> {
  const banded = parallel !== undefined && options.format === 'png' && !options.metadata && !options.encoder &&
    (!options.width || options.width >= raster.width) && raster.width * raster.height >= parallel.minPixels;
  if (banded) {
    const { value: bytes, mtimeMs, path: written } = await writeAtomic(target, (tmp) => writePngParallel(raster, tmp, { run: parallel.run, window: parallel.window, signal: write.signal }), write);
    return { format: 'png', width: raster.width, height: raster.height, bytes, mtimeMs, path: written };
  }
  const { value: info, mtimeMs, path: written } = await writeAtomic(target, (tmp) => withEncoderThreads(options.format, () => encoder(raster, options).toFile(tmp)), write);
  return { format: options.format, width: info.width, height: info.height, bytes: info.size, mtimeMs, path: written };
}
