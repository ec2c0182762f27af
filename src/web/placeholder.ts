/**
 * Low-quality image placeholders, made from a processed image (after the
 * chain) and cached beside it: a ThumbHash or BlurHash string (from the
 * `thumbhash` and `blurhash` packages), the dominant colour, or a tiny
 * inline WebP (`lqip`).
 */
import { readFile, writeFile } from 'node:fs/promises';
import sharp from '../io/sharp.js';
import { writeAtomic } from '../io/atomic-write.js';
import type { OutputFormat } from '../model/options.js';
import type { OutputRecord } from '../runs/cache.js';
import { importModule } from '../model/module-import.js';

/** The kinds of placeholder: `thumbhash` and `blurhash` strings (decode them in the browser), a `#rrggbb` colour, or a `data:` URL of a ≤ 24 px WebP. */
export const PLACEHOLDER_KINDS = ['thumbhash', 'blurhash', 'dominant', 'lqip'] as const;

/** One of {@link PLACEHOLDER_KINDS}. */
export type PlaceholderKind = (typeof PLACEHOLDER_KINDS)[number];

/** Largest edge of the image a ThumbHash is computed from (the format's limit). */
const THUMBHASH_EDGE = 100;
/** Largest edge of the image a BlurHash is computed from, and its components (x, y). */
const BLURHASH_EDGE = 32;
const BLURHASH_COMPONENTS = [4, 3] as const;
/** Largest edge of an `lqip` WebP. */
export const LQIP_EDGE = 24;

/** RGBA pixels of `image` scaled to fit `edge` (never enlarged). */
async function smallRgba(image: string | Buffer, edge: number): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(image).resize(edge, edge, { fit: 'inside', withoutEnlargement: true }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Makes a placeholder of `kind` from an encoded image (a file or its bytes). */
export async function makePlaceholder(kind: PlaceholderKind, image: string | Buffer): Promise<string> {
  switch (kind) {
    case 'thumbhash': {
      const { data, width, height } = await smallRgba(image, THUMBHASH_EDGE);
      const { rgbaToThumbHash } = (await importModule('thumbhash')) as typeof import('thumbhash'); // loaded only by the builds that ask for it
      return Buffer.from(rgbaToThumbHash(width, height, data)).toString('base64');
    }
    case 'blurhash': {
      const { data, width, height } = await smallRgba(image, BLURHASH_EDGE);
      const { encode: encodeBlurHash } = (await importModule('blurhash')) as typeof import('blurhash');
      return encodeBlurHash(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width, height, ...BLURHASH_COMPONENTS);
    }
    case 'dominant': {
      const { r, g, b } = (await sharp(image).stats()).dominant;
      return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
    }
    case 'lqip': {
      const webp = await sharp(image).resize(LQIP_EDGE, LQIP_EDGE, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 50 }).toBuffer();
      return `data:image/webp;base64,${webp.toString('base64')}`;
    }
  }
}

/**
 * The placeholder of `kind` for a file of the output cache, made once and
 * kept beside it (`<file>.<kind>.txt`), so it is cached with the output.
 */
export async function cachedPlaceholder(kind: PlaceholderKind, cachedFile: string): Promise<string> {
  const store = `${cachedFile}.${kind}.txt`;
  const kept = await readFile(store, 'utf8').catch(() => undefined);
  if (kept !== undefined && kept !== '') return kept;
  const made = await makePlaceholder(kind, cachedFile);
  await writeAtomic(store, (tmp) => writeFile(tmp, made));
  return made;
}

/**
 * The placeholder of a set of variants: made from the processed image as the
 * page shows it last, the fallback (last) format at its widest, and cached.
 */
export function placeholderOf(kind: PlaceholderKind, records: readonly OutputRecord[], formats: readonly OutputFormat[]): Promise<string> {
  const fallback = records.filter((r) => r.format === formats[formats.length - 1]);
  return cachedPlaceholder(kind, fallback.reduce((a, b) => ((b.width ?? 0) > (a.width ?? 0) ? b : a)).path);
}
