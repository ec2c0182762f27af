/**
 * The input side of the I/O stage: asynchronous reads, and decoding with
 * sharp into 8-bit sRGB RGBA with EXIF orientation applied.
 */
import sharp from './sharp.js';
import type { Metadata, Sharp } from 'sharp';
import type { OpInstance } from '../plan/chain.js';
import { withDeadline } from '../exec/deadline.js';
import type { Raster } from '../model/raster.js';
import type { SourceMetadata } from './metadata.js';

/** sharp's default pixel limit (0x3FFF × 0x3FFF), which tilepipe keeps as its default. */
export const DEFAULT_LIMIT_INPUT_PIXELS = 0x3fff * 0x3fff;

/** Options for decoding. */
export interface DecodeOptions {
  /** Refuse images with more pixels than this, before decoding (default: as sharp, 268 402 689); `false` for no limit. */
  readonly limitInputPixels?: number | false;
  /**
   * A geometry op declared `onLoad` (see `splitOnLoad`), applied while
   * decoding, after EXIF orientation: libvips then shrinks on load.
   */
  readonly onLoad?: OpInstance;
  /** Stops waiting for the decode when it aborts (the image fails with its reason). */
  readonly signal?: AbortSignal;
  /** The header, if already read by {@link probeImage}. */
  readonly metadata?: Metadata;
}

/** A decoded image and what is known of its source. */
export interface DecodedImage {
  readonly raster: Raster;
  /** The source's format as sharp names it (`jpeg`, `png`, `webp`, `gif`, `tiff`, `heif`, `svg`, ...). */
  readonly format: string;
  /** Metadata an output may keep (`keepMetadata`). */
  readonly metadata: SourceMetadata;
  /** Frames or pages in the source; only the first is decoded. */
  readonly pages: number;
}

/** Reads an encoded image's header (no pixels decoded). */
export function probeImage(input: Uint8Array, limitInputPixels?: number | false, signal?: AbortSignal): Promise<Metadata> {
  return withDeadline(sharp(input, { limitInputPixels: limitInputPixels ?? DEFAULT_LIMIT_INPUT_PIXELS, failOn: 'warning' }).metadata(), signal, 'reading the header');
}

/** The size of an image once EXIF orientation is applied, from its header. */
export function orientedSize(meta: Metadata): { width: number; height: number } {
  return meta.autoOrient ?? { width: meta.width ?? 0, height: meta.height ?? 0 };
}

/**
 * Decodes an encoded image to RGBA: EXIF orientation applied; CMYK, palette,
 * grey, 16-bit and ICC-tagged inputs converted to 8-bit sRGB. Animated and
 * multi-page inputs give their first frame/page. With `onLoad`, that op is
 * part of the same libvips pipeline.
 *
 * `raster.data` is libvips's own output memory (`toBuffer`): one copy of the
 * pixels. `toUint8Array` would make it transferable, at the cost of a second
 * full copy during decode (895 vs 516 MB peak at 100 MP); tiles are cut into
 * fresh, transferable buffers anyway.
 */
export async function decodeImage(input: Uint8Array, options: DecodeOptions = {}): Promise<DecodedImage> {
  const { image, meta, hasAlpha } = await decodingPipeline(input, options);
  const { data, info } = await withDeadline(image.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true }), options.signal, 'decoding');
  const channels = hasAlpha ? 4 : 3;
  if (info.channels !== channels) throw new Error(`decoded to ${info.channels} channels, expected ${channels}`);
  return {
    raster: { data, width: info.width, height: info.height, channels, hasAlpha },
    format: meta.format ?? 'unknown',
    metadata: sourceMetadata(meta),
    pages: meta.pages ?? 1,
  };
}

/** What an output may keep of a source (`keepMetadata`), from its header. */
export function sourceMetadata(meta: Metadata): SourceMetadata {
  return meta.exif ? { exif: meta.exif } : {};
}

/**
 * The decoding steps as a sharp pipeline, before its output is chosen: EXIF
 * orientation, the `onLoad` op, 8-bit sRGB, and alpha only when the source
 * has it. {@link decodeImage} ends it with raw pixels; an image with nothing
 * to run between decode and encode ends it with the encoder instead.
 */
export async function decodingPipeline(input: Uint8Array, options: DecodeOptions = {}): Promise<{ image: Sharp; meta: Metadata; hasAlpha: boolean }> {
  const image = sharp(input, {
    limitInputPixels: options.limitInputPixels ?? DEFAULT_LIMIT_INPUT_PIXELS,
    failOn: 'warning',
  });
  const meta = options.metadata ?? (await withDeadline(image.metadata(), options.signal, 'reading the header'));
  image.autoOrient();
  const lead = options.onLoad?.def;
  if (lead) {
    if (lead.kind !== 'geometry' || lead.onLoad !== true) throw new Error(`${lead.name} cannot run while decoding`);
    lead.apply(image, options.onLoad!.params as never, orientedSize(meta));
  }
  // RGBA only when the source has alpha: a photo stays at 3 bytes per pixel until the kernels (which see RGBA).
  const hasAlpha = meta.hasAlpha === true;
  const srgb = image.toColourspace('srgb');
  return { image: hasAlpha ? srgb.ensureAlpha() : srgb.removeAlpha(), meta, hasAlpha };
}
