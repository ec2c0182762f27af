import { defineOp } from '../model/op.js';
import { ValidationError } from '../model/errors.js';

/**
 * Resize through libvips. With one of width/height the aspect ratio is kept; `fit` applies when both are given.
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
    enlarge: { type: 'boolean', default: true, description: 'allow upscaling images smaller than the target (false: as ImageMagick "640>")' },
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
  apply: (image, { width, height, fit, kernel, enlarge }) =>
    image.resize({
      width: width || undefined, height: height || undefined, fit, kernel,
      withoutEnlargement: !enlarge, background: { r: 0, g: 0, b: 0, alpha: 0 },
    }),
});
