/**
 * The neighbourhood kernel contract the executor relies on: a kernel writes
 * every byte of `dst`, whatever `dst` held before. The workers hand kernels
 * reused buffers without clearing them, so a kernel that skipped a pixel
 * would leak an earlier tile's bytes into the image.
 */
import { describe, expect, it } from 'vitest';
import { OpRegistry } from '../../dist/src/index.js';
import { resolveOp } from '../../dist/src/plan/chain.js';
import { growRect } from '../../dist/src/plan/tiling.js';
import type { TileView } from '../../dist/src/model/op.js';
import { rng } from '../fixtures.js';

/** Ops whose defaults do not cover their code paths, or that need a parameter. */
const SPECS: Record<string, string[]> = {
  blur: ['blur:sigma=0.8', 'blur:sigma=3', 'blur:sigma=2,precision=approximate'],
  sharpen: ['sharpen', 'sharpen:precision=approximate', 'sharpen:sigma=2.5,amount=2,threshold=4'],
  convolve: ['convolve:matrix=0 -1 0 -1 5 -1 0 -1 0', 'convolve:matrix=0.1 0.2 0.1 0.2 0.35 0.2 0.1 0.2 0.1,offset=-2.5'],
  median: ['median', 'median:radius=4'],
  pixelate: ['pixelate:size=5'],
};

const W = 41, H = 29;

/** Runs the op's kernel over one interior and one corner region with `dst` pre-filled with `fill`. */
function run(spec: string, channels: 3 | 4, fill: number, registry: OpRegistry): Uint8Array[] {
  const { def, params } = resolveOp(spec, registry);
  if (def.kind !== 'neighbourhood') throw new Error(`${spec} is not a neighbourhood op`);
  const next = rng(7);
  const image = Uint8Array.from({ length: W * H * channels }, () => (next() * 256) | 0);
  const radius = def.radius(params as never);
  const outs: Uint8Array[] = [];
  for (const d of [{ x: 9, y: 5, width: 19, height: 13 }, { x: 0, y: 17, width: 14, height: 12 }]) {
    const s = growRect(d, radius, W, H);
    const data = new Uint8Array(s.width * s.height * channels);
    for (let y = 0; y < s.height; y++) {
      const from = ((s.y + y) * W + s.x) * channels;
      data.set(image.subarray(from, from + s.width * channels), y * s.width * channels);
    }
    const src: TileView = { data, channels, ...s, imageWidth: W, imageHeight: H };
    const dst: TileView = { data: new Uint8Array(d.width * d.height * channels).fill(fill), channels, ...d, imageWidth: W, imageHeight: H };
    def.kernel(src, dst, params as never);
    outs.push(dst.data);
  }
  return outs;
}

describe('neighbourhood kernels write all of dst', () => {
  const registry = new OpRegistry();
  const ops = registry.list().filter((d) => d.kind === 'neighbourhood');

  it('covers every built-in neighbourhood op', () => {
    expect(ops.map((d) => d.name).sort()).toEqual(['blur', 'box-blur', 'convolve', 'dilate', 'emboss', 'erode', 'median', 'pixelate', 'sharpen', 'sobel']);
  });

  for (const def of ops) {
    for (const spec of SPECS[def.name] ?? [def.name]) {
      const layouts: Array<3 | 4> = 'rgb' in def && def.rgb ? [3, 4] : [4];
      for (const channels of layouts) {
        it(`${spec}, ${channels} channels: the output does not depend on what dst held`, () => {
          const zero = run(spec, channels, 0x00, registry);
          const full = run(spec, channels, 0xff, registry);
          const mid = run(spec, channels, 0x5a, registry);
          expect(full).toEqual(zero);
          expect(mid).toEqual(zero);
        });
      }
    }
  }
});
