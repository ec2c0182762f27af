/**
 * Types for `?tilepipe` image imports in Vite projects. Add to your
 * tsconfig's `compilerOptions.types` (`"types": ["tilepipe/client"]`) or
 * reference it: `/// <reference types="tilepipe/client" />`.
 *
 * TypeScript matches module names by suffix, so end the query with what the
 * import gives: `&as=url` (or a bare `?tilepipe`), `&as=srcset` or `&as=meta`.
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

/** `…?tilepipe&…&as=meta`: the widest output's URL, size and format, and the srcset. */
declare module '*&as=meta' {
  const meta: import('tilepipe/vite').TilepipeImageMeta;
  export default meta;
}
