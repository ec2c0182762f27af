/**
 * `Pipeline.picture()` for plain Node build scripts (Eleventy shortcodes and
 * the like): the variants of one image are copied from the output cache into
 * a public folder under names that carry their content hash, and described
 * as a {@link Picture} with URLs under `urlPath`.
 */
import { copyFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { contentHashOf } from '../io/content-hash.js';
import { writeAtomic } from '../io/atomic-write.js';
import { FORMAT_EXTENSION } from '../io/encode.js';
import { ValidationError } from '../model/errors.js';
import { parseOption, type OutputFormat } from '../model/options.js';
import type { OutputRecord } from '../runs/cache.js';
import type { VariantOptions } from '../runs/variants.js';
import { pictureOf, urlSafeStem, type Picture, type PlacedOutput } from './picture.js';
import { placeholderOf, PLACEHOLDER_KINDS, type PlaceholderKind } from './placeholder.js';

/** Options of `Pipeline.picture()`: the variants to make, and where they are published. */
export interface PictureOptions extends VariantOptions {
  /** Folder the images are written into (default `img`, relative to the working folder). */
  readonly outDir?: string;
  /** URL of that folder on the site (default `/img/`). */
  readonly urlPath?: string;
  /** A placeholder to add: `thumbhash`, `blurhash`, `dominant` or `lqip`. */
  readonly placeholder?: PlaceholderKind;
}

/** Copies `records` (files of the output cache) into `outDir` as `<stem>-<width>.<contenthash>.<ext>`, unless there already; returns them at their URLs. */
export async function publishOutputs(records: readonly OutputRecord[], stem: string, outDir: string, urlPath: string): Promise<PlacedOutput[]> {
  const base = urlPath.endsWith('/') ? urlPath : `${urlPath}/`;
  return Promise.all(records.map(async (r) => {
    const name = `${stem}-${r.width}.${await contentHashOf(r.path)}.${FORMAT_EXTENSION[r.format]}`;
    const target = path.join(outDir, name);
    const there = await stat(target).catch(() => undefined);
    if (there?.size !== r.bytes) await writeAtomic(target, (tmp) => copyFile(r.path, tmp)); // the name is the content: same size, same file
    return { url: `${base}${name}`, format: r.format, width: r.width ?? 0, height: r.height ?? 0 };
  }));
}

/** Makes (or finds) the variants with `variants`, publishes them, and describes them as a picture. */
export async function makePicture(
  variants: (file: string, options: VariantOptions) => Promise<OutputRecord[]>, file: string, options: PictureOptions,
): Promise<Picture> {
  const { outDir = 'img', urlPath = '/img/', placeholder, ...variantOptions } = options;
  if (placeholder !== undefined && !(PLACEHOLDER_KINDS as readonly string[]).includes(placeholder)) {
    throw new ValidationError(`placeholder must be one of ${PLACEHOLDER_KINDS.join(', ')}, got ${JSON.stringify(placeholder)}`);
  }
  if (typeof outDir !== 'string' || typeof urlPath !== 'string') throw new ValidationError('outDir and urlPath must be strings');
  const formats = (options.formats === undefined ? ['webp'] : parseOption('formats', options.formats)) as OutputFormat[];
  const records = await variants(file, { ...variantOptions, formats });
  const placed = await publishOutputs(records, urlSafeStem(file), path.resolve(outDir), urlPath);
  return pictureOf(placed, formats, placeholder ? await placeholderOf(placeholder, records, formats) : undefined);
}
