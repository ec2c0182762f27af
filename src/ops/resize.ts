import { defineOp } from '../model/op.js';
import { ValidationError } from '../model/errors.js';
import { backgroundParam, sharpColour } from './rotate.js';

/** Where `fit=cover` crops and `fit=contain` places the image (sharp's positions, gravities and strategies). */
const POSITIONS = ['centre', 'north', 'northeast', 'east', 'southeast', 'south', 'southwest', 'west', 'northwest', 'entropy', 'attention'] as const;

/**
 * Resize through libvips. With one of width/height the aspect ratio is kept; `fit` applies when both are given.
 * Never enlarges unless `enlarge=true` (as eleventy-img and vite-imagetools; ImageMagick's `640>`).
 * As the chain's first op it runs while decoding, so libvips shrinks on load (as `sharp(file).resize()` does).
 */
export const resize = defineOp({
  name: 'resize',
  kind: 'geometry',
  description: 'Resize (libvips); give width, height or both (fit decides how both apply)',
  params: {
    width: { type: 'number', integer: true, min: 0, max: 100000, default: 0, description: 'target width in pixels (0: from height)' },
    height: { type: 'number', integer: true, min: 0, max: 100000, default: 0, description: 'target height in pixels (0: from width)' },
    fit: { type: 'enum', values: ['inside', 'cover', 'contain', 'fill', 'outside'], default: 'inside', description: 'how both dimensions apply (as sharp)' },
    kernel: { type: 'enum', values: ['nearest', 'linear', 'cubic', 'mitchell', 'lanczos2', 'lanczos3'], default: 'lanczos3', description: 'resampling kernel' },
    enlarge: { type: 'boolean', default: false, description: 'allow upscaling an image smaller than the target (default: it keeps its size, as ImageMagick "640>")' },
    position: { type: 'enum', values: POSITIONS, default: 'centre', description: 'fit=cover: which part is kept; fit=contain: where the image sits (as sharp)' },
    background: { ...backgroundParam, description: 'fit=contain: colour of the bars, "R G B" or "R G B A" (alpha is dropped on images without it)' },
  },
  onLoad: true,
  check({ width, height }) {
    if (width === 0 && height === 0) throw new ValidationError('resize: give "width" or "height" (an integer in [1, 100000])');
  },
  size({ width, height, fit, enlarge }, src) {
    const sx = width ? width / src.width : undefined;
    const sy = height ? height / src.height : undefined;
    let w: number;
    let h: number;
    if (sx !== undefined && sy !== undefined && (fit === 'cover' || fit === 'contain' || fit === 'fill')) {
      [w, h] = [width, height];
    } else {
      const scale = sx === undefined ? sy! : sy === undefined ? sx : fit === 'outside' ? Math.max(sx, sy) : Math.min(sx, sy);
      [w, h] = [Math.max(1, Math.round(src.width * scale)), Math.max(1, Math.round(src.height * scale))];
    }
    return !enlarge && (w > src.width || h > src.height) ? src : { width: w, height: h };
  },
  apply: (image, { width, height, fit, kernel, enlarge, position, background }) =>
    image.resize({
      width: width || undefined, height: height || undefined, fit, kernel, position,
      withoutEnlargement: !enlarge, background: sharpColour(background),
    }),
});
