import { defineOp } from '../model/op.js';
import { ValidationError } from '../model/errors.js';
import { backgroundParam, sharpColour } from './rotate.js';

/**
 * Add borders through sharp's `extend`: `top`, `right`, `bottom`, `left`
 * pixels, filled with `background` (mode `background`) or with the image's
 * edge pixels (`copy`), a repetition of the image (`repeat`) or its mirror
 * image (`mirror`), as sharp's `extendWith`.
 */
export const extend = defineOp({
  name: 'extend',
  kind: 'geometry',
  description: 'Add borders (top, right, bottom, left) filled with background, or copy/repeat/mirror the image',
  params: {
    top: { type: 'number', integer: true, min: 0, max: 100000, default: 0, description: 'pixels added above' },
    right: { type: 'number', integer: true, min: 0, max: 100000, default: 0, description: 'pixels added on the right' },
    bottom: { type: 'number', integer: true, min: 0, max: 100000, default: 0, description: 'pixels added below' },
    left: { type: 'number', integer: true, min: 0, max: 100000, default: 0, description: 'pixels added on the left' },
    mode: { type: 'enum', values: ['background', 'copy', 'repeat', 'mirror'], default: 'background', description: 'how the borders are filled (as sharp extendWith)' },
    background: backgroundParam,
  },
  check({ top, right, bottom, left }) {
    if (top + right + bottom + left === 0) {
      throw new ValidationError('extend: give at least one of "top", "right", "bottom", "left" (an integer in [1, 100000])');
    }
  },
  size: ({ top, right, bottom, left }, { width, height }) => ({ width: width + left + right, height: height + top + bottom }),
  apply: (image, { top, right, bottom, left, mode, background }) =>
    image.extend({ top, right, bottom, left, extendWith: mode, background: sharpColour(background) }),
});
