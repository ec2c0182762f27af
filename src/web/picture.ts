/**
 * What build tools hand to pages: an image's meta (`src`, size, `srcset`) and
 * a `<picture>` (one `<source>` per format, the last format the `<img>`
 * fallback), built from outputs already placed at URLs.
 */
import path from 'node:path';
import type { OutputFormat } from '../model/options.js';

/** A file's name without its extension, reduced to characters that need no escaping in a URL or a srcset (a space or comma would split a srcset). */
export function urlSafeStem(file: string): string {
  return path.basename(file, path.extname(file)).replace(/[^\w.-]+/g, '_') || 'image';
}

/** The MIME type of each output format, for `<source type>`. */
export const MIME_TYPES: Readonly<Record<OutputFormat, string>> = {
  jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', avif: 'image/avif', tiff: 'image/tiff', gif: 'image/gif',
};

/** One output at its public URL. */
export interface PlacedOutput {
  readonly url: string;
  readonly format: OutputFormat;
  readonly width: number;
  readonly height: number;
}

/** An image's meta: its widest output's URL and size, its format, every width as a `srcset`, and a placeholder if asked for. */
export interface ImageMeta {
  /** URL of the widest output. */
  readonly src: string;
  /** Width of the widest output in pixels. */
  readonly width: number;
  /** Height of the widest output in pixels. */
  readonly height: number;
  /** Its format (`webp`, `avif`, `png`, …). */
  readonly format: OutputFormat;
  /** Every output as a `srcset` (`url 480w, url 960w`); one entry without widths. */
  readonly srcset: string;
  /** The placeholder (`placeholder=`): a ThumbHash or BlurHash string, a `#rrggbb` colour, or a `data:` URL. */
  readonly placeholder?: string;
}

/** One `<source>` of a {@link Picture}. */
export interface PictureSource {
  /** MIME type, e.g. `image/avif`. */
  readonly type: string;
  /** Every width of this format (`url 480w, url 960w`). */
  readonly srcset: string;
}

/** The `<img>` of a {@link Picture}: the fallback format, at its widest. */
export interface PictureImage {
  readonly src: string;
  readonly width: number;
  readonly height: number;
  /** The fallback format's widths as a `srcset`, when there are several. */
  readonly srcset?: string;
}

/** A `<picture>` as data: a source per format but the last, and the last as the `<img>`. Render it with `toHtml()`. */
export interface Picture {
  readonly sources: PictureSource[];
  readonly img: PictureImage;
  /** The placeholder (`placeholder=`): a ThumbHash or BlurHash string, a `#rrggbb` colour, or a `data:` URL. */
  readonly placeholder?: string;
}

/** The outputs with distinct widths (widths never enlarge, so two asked-for widths can give one size), in order. */
function distinctWidths(outputs: readonly PlacedOutput[]): PlacedOutput[] {
  return outputs.filter((o, i) => outputs.findIndex((p) => p.width === o.width) === i);
}

/** Outputs of one format as a `srcset`: `url 480w, url 960w`. */
export function srcsetOf(outputs: readonly PlacedOutput[]): string {
  return distinctWidths(outputs).map((o) => `${o.url} ${o.width}w`).join(', ');
}

function widest(outputs: readonly PlacedOutput[]): PlacedOutput {
  return outputs.reduce((a, b) => (b.width > a.width ? b : a));
}

/** The meta of one format's outputs. */
export function metaOf(outputs: readonly PlacedOutput[], placeholder?: string): ImageMeta {
  const top = widest(outputs);
  return { src: top.url, width: top.width, height: top.height, format: top.format, srcset: srcsetOf(outputs), ...(placeholder !== undefined ? { placeholder } : {}) };
}

/** A picture of every format's outputs; `formats` gives their order, the last being the fallback. */
export function pictureOf(outputs: readonly PlacedOutput[], formats: readonly OutputFormat[], placeholder?: string): Picture {
  const of = (f: OutputFormat): PlacedOutput[] => outputs.filter((o) => o.format === f);
  const fallback = of(formats[formats.length - 1]);
  const top = widest(fallback);
  const several = distinctWidths(fallback).length > 1;
  return {
    sources: formats.slice(0, -1).map((f) => ({ type: MIME_TYPES[f], srcset: srcsetOf(of(f)) })),
    img: { src: top.url, width: top.width, height: top.height, ...(several ? { srcset: srcsetOf(fallback) } : {}) },
    ...(placeholder !== undefined ? { placeholder } : {}),
  };
}
