/**
 * Metadata carried from input to output with `keepMetadata`. Pixels are
 * converted to upright sRGB on decode, so the output gets an sRGB profile and
 * the source's textual EXIF tags (camera, lens, dates, author, copyright, ...);
 * Orientation is dropped because it has been applied. Numeric EXIF tags are
 * not carried: sharp can only write EXIF tags as strings.
 */
import { createRequire } from 'node:module';
import type ExifReader from 'exif-reader';
import type { Sharp } from 'sharp';

/** The metadata of a source image worth keeping. */
export interface SourceMetadata {
  /** Raw EXIF block, as sharp reports it. */
  readonly exif?: Uint8Array;
}

type ExifDirs = Record<'IFD0' | 'IFD2' | 'IFD3', Record<string, string>>;

const pad = (n: number): string => String(n).padStart(2, '0');

function textTags(tags: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags ?? {})) {
    if (key === 'Orientation') continue;
    if (typeof value === 'string' && value !== '') out[key] = value;
    else if (value instanceof Date && !Number.isNaN(value.getTime())) {
      const d = value;
      out[key] = `${d.getUTCFullYear()}:${pad(d.getUTCMonth() + 1)}:${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
    }
  }
  return out;
}

/** Adds the kept metadata to an output pipeline: an sRGB ICC profile and the textual EXIF tags. */
export function withSourceMetadata(image: Sharp, meta: SourceMetadata): Sharp {
  let out = image.withIccProfile('srgb');
  if (meta.exif && meta.exif.length > 0) {
    try {
      const exifReader = createRequire(import.meta.url)('exif-reader') as typeof ExifReader; // only when metadata is kept
      const parsed = exifReader(Buffer.from(meta.exif.buffer, meta.exif.byteOffset, meta.exif.byteLength));
      const dirs: ExifDirs = { IFD0: textTags(parsed.Image), IFD2: textTags(parsed.Photo), IFD3: textTags(parsed.GPSInfo) };
      out = out.withExif(dirs);
    } catch {
      // Unparseable EXIF is dropped rather than failing the image.
    }
  }
  return out;
}
