import { defineOp } from '../model/op.js';

/** Mirror vertically (top row becomes the bottom row), as sharp's `flip()`. */
export const flip = defineOp({
  name: 'flip',
  kind: 'geometry',
  description: 'Mirror vertically: top becomes bottom (sharp flip)',
  params: {},
  apply: (image) => image.flip(),
});
