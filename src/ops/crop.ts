import { defineOp } from '../model/op.js';

/**
 * Crop to the rectangle at (left, top) of width × height, through sharp's
 * `extract`. A rectangle not wholly inside the image fails that image with a
 * message giving the rectangle and the image size (not validation: the size
 * is only known once the image is decoded).
 */
export const crop = defineOp({
  name: 'crop',
  kind: 'geometry',
  description: 'Crop to width x height at (left, top); fails an image the region does not fit in',
  params: {
    left: { type: 'number', integer: true, min: 0, max: 100000, default: 0, description: 'left edge in pixels' },
    top: { type: 'number', integer: true, min: 0, max: 100000, default: 0, description: 'top edge in pixels' },
    width: { type: 'number', integer: true, min: 1, max: 100000, description: 'width in pixels' },
    height: { type: 'number', integer: true, min: 1, max: 100000, description: 'height in pixels' },
  },
  size: ({ width, height }) => ({ width, height }),
  apply(image, { left, top, width, height }, size) {
    if (left + width > size.width || top + height > size.height) {
      throw new Error(
        `crop: region ${width}x${height} at left=${left},top=${top} (to x=${left + width}, y=${top + height}) ` +
          `lies outside the ${size.width}x${size.height} image`,
      );
    }
    return image.extract({ left, top, width, height });
  },
});
