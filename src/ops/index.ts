/** The built-in operations, one file each. */
import type { OpDefinition } from '../op.js';
import { blur } from './blur.js';
import { gamma } from './gamma.js';
import { grayscale } from './grayscale.js';
import { invert } from './invert.js';
import { normalize } from './normalize.js';
import { resize } from './resize.js';
import { sharpen } from './sharpen.js';
import { sobel } from './sobel.js';

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
];
