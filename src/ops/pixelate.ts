import { defineOp, type TileView } from '../model/op.js';
import { channelsOf } from '../model/view.js';

/**
 * Pixelate: the image is cut into `size`×`size` blocks on a global grid with
 * its origin at (0, 0) (blocks at the right and bottom edges are clipped to
 * the image), and every pixel becomes its block's per-channel mean, rounded
 * half up. The grid is global, so the halo is `size − 1`: every block touching
 * a tile lies wholly inside the tile's source. Each mean is computed once per block.
 */
export const pixelate = defineOp({
  name: 'pixelate',
  kind: 'neighbourhood',
  description: 'Fill each size x size block of a global grid (origin 0,0) with its mean',
  params: {
    size: { type: 'number', integer: true, min: 2, max: 256, default: 8, description: 'block edge in pixels' },
  },
  rgb: true,
  radius: ({ size }) => size - 1,
  kernel: (src, dst, { size }) => blockMeans(src, dst, size),
});

function blockMeans(src: TileView, dst: TileView, size: number): void {
  const c = channelsOf(src);
  const s = src.data;
  const srcRow = src.width * c;
  // RGBA: whole pixels as words; RGB: bytes.
  const dst32 = c === 4 ? new Uint32Array(dst.data.buffer, dst.data.byteOffset, dst.data.length >> 2) : undefined;
  const px = new Uint8Array(4);
  const px32 = new Uint32Array(px.buffer);
  const dx1 = dst.x + dst.width;
  const dy1 = dst.y + dst.height;
  for (let by = Math.floor(dst.y / size) * size; by < dy1; by += size) {
    const byEnd = Math.min(by + size, src.imageHeight);
    for (let bx = Math.floor(dst.x / size) * size; bx < dx1; bx += size) {
      const bxEnd = Math.min(bx + size, src.imageWidth);
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let y = by; y < byEnd; y++) {
        const end = (y - src.y) * srcRow + (bxEnd - src.x) * c;
        for (let p = (y - src.y) * srcRow + (bx - src.x) * c; p < end; p += c) {
          s0 += s[p]; s1 += s[p + 1]; s2 += s[p + 2];
          if (c === 4) s3 += s[p + 3];
        }
      }
      // round(sum / count), half up, exactly: floor((2·sum + count) / (2·count)); all terms < 2^26.
      const count = (bxEnd - bx) * (byEnd - by);
      const c2 = 2 * count;
      px[0] = Math.floor((2 * s0 + count) / c2);
      px[1] = Math.floor((2 * s1 + count) / c2);
      px[2] = Math.floor((2 * s2 + count) / c2);
      px[3] = Math.floor((2 * s3 + count) / c2);
      const v = px32[0];
      const x0 = Math.max(bx, dst.x) - dst.x;
      const x1 = Math.min(bxEnd, dx1) - dst.x;
      for (let y = Math.max(by, dst.y); y < Math.min(byEnd, dy1); y++) {
        const row = (y - dst.y) * dst.width;
        if (dst32) dst32.fill(v, row + x0, row + x1);
        else for (let x = row + x0; x < row + x1; x++) dst.data.set(px.subarray(0, 3), x * 3);
      }
    }
  }
}
