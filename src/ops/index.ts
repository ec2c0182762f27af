/** The built-in operations, one file each. */
import type { OpDefinition } from '../model/op.js';
import { blur } from './blur.js';
import { gamma } from './gamma.js';
import { grayscale } from './grayscale.js';
import { invert } from './invert.js';
import { normalize } from './normalize.js';
import { resize } from './resize.js';
import { sharpen } from './sharpen.js';
import { sobel } from './sobel.js';
import { autoWhiteBalance } from './auto-white-balance.js';
import { brightness } from './brightness.js';
import { channelMix } from './channel-mix.js';
import { contrast } from './contrast.js';
import { crop } from './crop.js';
import { equalize } from './equalize.js';
import { extend } from './extend.js';
import { flip } from './flip.js';
import { flop } from './flop.js';
import { hue } from './hue.js';
import { levels } from './levels.js';
import { linear } from './linear.js';
import { opacity } from './opacity.js';
import { posterize } from './posterize.js';
import { rotate } from './rotate.js';
import { saturation } from './saturation.js';
import { sepia } from './sepia.js';
import { threshold } from './threshold.js';
import { tint } from './tint.js';
import { boxBlur } from './box-blur.js';
import { convolve } from './convolve.js';
import { median } from './median.js';
import { dilate } from './dilate.js';
import { erode } from './erode.js';
import { emboss } from './emboss.js';
import { pixelate } from './pixelate.js';

/** Every built-in operation. Adding an operation: one file in `src/ops/`, one line here. */
export const builtinOps: readonly OpDefinition[] = [
  grayscale,
  invert,
  gamma,
  blur,
  sharpen,
  sobel,
  normalize,
  resize,
  brightness,
  contrast,
  saturation,
  hue,
  levels,
  linear,
  threshold,
  sepia,
  tint,
  channelMix,
  posterize,
  opacity,
  equalize,
  autoWhiteBalance,
  crop,
  rotate,
  flip,
  flop,
  extend,
  boxBlur,
  convolve,
  median,
  dilate,
  erode,
  emboss,
  pixelate,
];
