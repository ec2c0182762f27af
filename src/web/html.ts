/**
 * `toHtml()`: a {@link Picture} as `<picture>` HTML, with `sizes`, lazy
 * loading, async decoding, width and height (no layout shift), and the
 * placeholder as the image's background where HTML can show it.
 */
import type { Picture } from './picture.js';

/** Options of {@link toHtml}. */
export interface HtmlOptions {
  /** The image's text alternative (default `""`: decorative). */
  readonly alt?: string;
  /** The `sizes` attribute of every source and the `<img>`, e.g. `(max-width: 600px) 100vw, 50vw`. */
  readonly sizes?: string;
  /** Default `lazy`. */
  readonly loading?: 'lazy' | 'eager';
  /** Default `async`. */
  readonly decoding?: 'async' | 'sync' | 'auto';
  /** `class` of the `<img>`. */
  readonly className?: string;
}

/** Escapes text for a double-quoted HTML attribute. */
export function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attributes(pairs: ReadonlyArray<readonly [string, string | number | undefined]>): string {
  return pairs.filter(([, v]) => v !== undefined).map(([k, v]) => ` ${k}="${escapeAttribute(String(v))}"`).join('');
}

/**
 * The placeholder as `<img>` attributes: a `data:` URL or a colour as the
 * background (shown until the image loads); a ThumbHash/BlurHash string as
 * `data-placeholder`, for a script to decode.
 */
function placeholderAttributes(placeholder: string | undefined): Array<readonly [string, string]> {
  if (placeholder === undefined) return [];
  if (placeholder.startsWith('data:')) return [['style', `background-size:cover;background-image:url(${placeholder})`]];
  if (/^#[0-9a-f]{6}$/i.test(placeholder)) return [['style', `background-color:${placeholder}`]];
  return [['data-placeholder', placeholder]];
}

/** Renders a picture as HTML: `<picture><source type srcset sizes>…<img src srcset sizes width height alt loading decoding></picture>`. */
export function toHtml(picture: Picture, options: HtmlOptions = {}): string {
  const { img } = picture;
  const sources = picture.sources.map((s) => `<source${attributes([['type', s.type], ['srcset', s.srcset], ['sizes', options.sizes]])}>`);
  const tag = `<img${attributes([
    ['src', img.src], ['srcset', img.srcset], ['sizes', img.srcset !== undefined ? options.sizes : undefined],
    ['width', img.width], ['height', img.height], ['alt', options.alt ?? ''], ['class', options.className],
    ['loading', options.loading ?? 'lazy'], ['decoding', options.decoding ?? 'async'], ...placeholderAttributes(picture.placeholder),
  ])}>`;
  return `<picture>${sources.join('')}${tag}</picture>`;
}
