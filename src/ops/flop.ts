import { defineOp } from '../model/op.js';

/** Mirror horizontally (left column becomes the right column), as sharp's `flop()`. */
export const flop = defineOp({
  name: 'flop',
  kind: 'geometry',
  description: 'Mirror horizontally: left becomes right (sharp flop)',
  params: {},
  apply: (image) => image.flop(),
});
