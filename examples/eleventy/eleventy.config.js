// An Eleventy site whose images go through tilepipe, as eleventy-img users work:
// an async shortcode that returns <picture> HTML. Run from the repository root:
//   npm run example:eleventy
// which is: npx @11ty/eleventy --config=examples/eleventy/eleventy.config.js --input=examples/eleventy --output=examples/eleventy/_site
import path from 'node:path';
import { createPipeline, toHtml } from 'tilepipe';

export default function (eleventyConfig) {
  // One pipeline per build, closed when the build ends (watch mode starts a new one).
  let pipeline;
  eleventyConfig.on('eleventy.after', async () => {
    await pipeline?.close();
    pipeline = undefined;
  });

  /** {% image "photo.jpg", "alt text", "sizes" %}: AVIF, WebP and JPEG at 320 and 640 px, sharpened, with the dominant colour behind. */
  eleventyConfig.addAsyncShortcode('image', async (src, alt, sizes = '100vw') => {
    pipeline ??= createPipeline();
    const picture = await pipeline.picture(src, {
      ops: ['sharpen'],
      formats: ['avif', 'webp', 'jpeg'],
      widths: [320, 640],
      placeholder: 'dominant',
      outDir: path.join(eleventyConfig.directories.output, 'img'),
      urlPath: '/img/',
    });
    return toHtml(picture, { alt, sizes });
  });
}
