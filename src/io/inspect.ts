/**
 * What an image file holds, read from its header without decoding pixels
 * (`tilepipe info`, `inspectFile`).
 */
import sharp from './sharp.js';
import { InputError, classify } from '../model/errors.js';
import { readInput } from './read.js';
import { DEFAULT_LIMIT_INPUT_PIXELS, orientedSize } from './decode.js';

/** An image file's header facts. */
export interface ImageInfo {
  readonly path: string;
  /** Bytes on disk. */
  readonly bytes: number;
  /** As sharp names it: `jpeg`, `png`, `webp`, `gif`, `tiff`, `heif`, `svg`, … */
  readonly format: string;
  /** Width and height as displayed (EXIF orientation applied). */
  readonly width: number;
  readonly height: number;
  readonly pixels: number;
  /** Channels stored: 1 grey, 2 grey + alpha, 3 colour, 4 colour + alpha (or CMYK). */
  readonly channels: number;
  readonly hasAlpha: boolean;
  /** Colour space as libvips names it: `srgb`, `b-w`, `cmyk`, `rgb16`, … */
  readonly space: string;
  /** Sample format: `uchar` (8-bit), `ushort` (16-bit), … */
  readonly depth: string;
  /** EXIF orientation 1–8, when the file has one. */
  readonly orientation?: number;
  /** The embedded ICC profile's description (or `"unnamed"`), or undefined without one. */
  readonly icc?: string;
  /** Frames or pages (1 for a still image). */
  readonly frames: number;
}

/** The description of an ICC profile ('desc' tag, v2 text or v4 multi-localised), or undefined. */
export function iccDescription(icc: Uint8Array): string | undefined {
  const view = new DataView(icc.buffer, icc.byteOffset, icc.byteLength);
  if (icc.length < 132) return undefined;
  const count = view.getUint32(128);
  for (let i = 0; i < count && 132 + 12 * (i + 1) <= icc.length; i++) {
    const at = 132 + 12 * i;
    if (view.getUint32(at) !== 0x64657363) continue; // 'desc'
    const offset = view.getUint32(at + 4);
    const size = view.getUint32(at + 8);
    if (offset + size > icc.length || size < 12) return undefined;
    const type = view.getUint32(offset);
    if (type === 0x64657363) { // 'desc': ASCII count, then the text
      const n = view.getUint32(offset + 8);
      return Buffer.from(icc.subarray(offset + 12, offset + 12 + Math.min(n, size - 12))).toString('latin1').replace(/\0+$/, '');
    }
    if (type === 0x6d6c7563) { // 'mluc': records of (language, country, length, offset); the first one, UTF-16BE
      const len = view.getUint32(offset + 20);
      const start = offset + view.getUint32(offset + 24);
      const bytes = icc.subarray(start, Math.min(start + len, offset + size));
      let text = '';
      for (let j = 0; j + 1 < bytes.length; j += 2) text += String.fromCharCode((bytes[j] << 8) | bytes[j + 1]);
      return text.replace(/\0+$/, '');
    }
    return undefined;
  }
  return undefined;
}

/** Reads `file`'s header; a missing, unreadable or non-image file fails with an InputError naming it. */
export async function inspectFile(file: string, limitInputPixels: number | false = DEFAULT_LIMIT_INPUT_PIXELS): Promise<ImageInfo> {
  try {
    const bytes = await readInput(file);
    const meta = await sharp(bytes, { limitInputPixels, failOn: 'warning' }).metadata();
    const { width, height } = orientedSize(meta);
    return {
      path: file,
      bytes: bytes.length,
      format: meta.format ?? 'unknown',
      width, height, pixels: width * height,
      channels: meta.channels ?? 0,
      hasAlpha: meta.hasAlpha === true,
      space: meta.space ?? 'unknown',
      depth: meta.depth ?? 'unknown',
      ...(meta.orientation ? { orientation: meta.orientation } : {}),
      ...(meta.icc ? { icc: iccDescription(meta.icc) ?? 'unnamed' } : {}),
      frames: meta.pages ?? 1,
    };
  } catch (err) {
    const e = classify(err, InputError) as InputError;
    e.message = `${file}: ${e.message}`;
    throw e;
  }
}
