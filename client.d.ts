/**
 * Types for `?tilepipe` image imports, with any bundler plugin
 * (`tilepipe/vite`, `/rollup`, `/webpack`, `/rspack`, `/esbuild`). Add to
 * your tsconfig's `compilerOptions.types` (`"types": ["tilepipe/client"]`)
 * or reference it: `/// <reference types="tilepipe/client" />`.
 *
 * TypeScript matches module names by suffix, so end the query with what the
 * import gives: `&as=url` (or a bare `?tilepipe`), `&as=srcset`, `&as=meta`,
 * `&as=picture` or `&as=picture-html`.
 */

/** `./photo.jpg?tilepipe`: the processed image's URL. */
declare module '*?tilepipe' {
  const url: string;
  export default url;
}

/** `…?tilepipe&…&as=url`: the processed image's URL. */
declare module '*&as=url' {
  const url: string;
  export default url;
}

/** `…?tilepipe&…&as=srcset`: every output as a srcset, `url 480w, url 960w`. */
declare module '*&as=srcset' {
  const srcset: string;
  export default srcset;
}

/** `…?tilepipe&…&as=meta`: the widest output's URL, size and format, the srcset, and the placeholder if asked for. */
declare module '*&as=meta' {
  const meta: import('tilepipe').ImageMeta;
  export default meta;
}

/** `…?tilepipe&format=avif,webp,jpeg&…&as=picture`: a `<source>` per format but the last, the last as the `<img>`, and the placeholder if asked for. */
declare module '*&as=picture' {
  const picture: import('tilepipe').Picture;
  export default picture;
}

/** `…?tilepipe&…&as=picture-html`: the picture as `<picture>` HTML (`sizes=`, `alt=`, lazy loading, async decoding, width and height). */
declare module '*&as=picture-html' {
  const html: string;
  export default html;
}
