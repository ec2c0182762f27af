/** Tile buffers are transferred to and from workers, never cloned. */
import { afterAll, describe, expect, it } from 'vitest';
import { Piscina } from 'piscina';
import { TilePool } from '../../dist/src/exec/worker/pool.js';
import { Coordinator } from '../../dist/src/exec/coordinator.js';
import { planChain } from '../../dist/src/plan/plan.js';
import { resolveChain } from '../../dist/src/plan/chain.js';
import { OpRegistry } from '../../dist/src/plan/registry.js';
import processTile from '../../dist/src/exec/worker/tile-worker.js';
import type { TileTask } from '../../dist/src/exec/worker/executor.js';

function task(buffer: ArrayBuffer, size: number, channels: 3 | 4 = 4, op = 'invert'): TileTask {
  const rect = { x: 0, y: 0, width: size, height: size };
  return {
    steps: [{ name: op, params: {}, radius: 0 }], keepPixels: true, hasAlpha: false, channels,
    imageWidth: size, imageHeight: size, core: rect, input: rect, buffer, plugins: [],
  };
}

describe('transfer, not clone', () => {
  const pool = new TilePool({ workers: 1 });
  afterAll(() => pool.close());

  it('the buffer the coordinator posts is detached afterwards, and the result comes back whole', async () => {
    const size = 32;
    const buffer = new ArrayBuffer(size * size * 4);
    new Uint8Array(buffer).fill(10);
    const pending = pool.run(task(buffer, size));
    expect(buffer.byteLength).toBe(0); // detached as soon as it is posted
    const result = await pending;
    expect(result.buffer!.byteLength).toBe(size * size * 4);
    expect(new Uint8Array(result.buffer!)[0]).toBe(245);
  });

  it('the worker moves its result buffer back (it is in the transfer list)', async () => {
    const size = 8;
    const out = (await processTile(task(new ArrayBuffer(size * size * 4), size))) as Record<symbol, unknown>;
    const value = out[Piscina.valueSymbol] as { buffer: ArrayBuffer };
    const transfer = out[Piscina.transferableSymbol] as ArrayBuffer[];
    expect(transfer).toContain(value.buffer);
  });

  it('a whole-image tile moves the raster itself: its buffer is detached after the stage', async () => {
    const coordinator = new Coordinator(pool, { tileSize: 256, plugins: [] });
    const data = new Uint8Array(64 * 48 * 4).fill(100);
    const stages = planChain(resolveChain(['blur'], new OpRegistry()));
    const out = await coordinator.run({ data, width: 64, height: 48, channels: 4, hasAlpha: false }, stages);
    expect(data.buffer.byteLength).toBe(0);
    expect(out.data.length).toBe(64 * 48 * 4);
    expect(out.data[0]).toBe(100);
  });

  it('an RGB tile travels at 3 bytes per pixel both ways; a point op rewrites it in place and it comes back itself', async () => {
    const size = 16;
    const input = new ArrayBuffer(size * size * 3 + 48); // longer than the tile: only the first bytes are pixels
    new Uint8Array(input).fill(10);
    const result = await pool.run(task(input, size, 3));
    expect(input.byteLength).toBe(0); // moved to the worker
    expect(result.buffer?.byteLength).toBe(size * size * 3 + 48);
    expect(result.spare).toBeUndefined();
    expect(Array.from(new Uint8Array(result.buffer!, 0, 6))).toEqual([245, 245, 245, 245, 245, 245]);
  });

  it('an RGB tile widened for an RGBA-only op: its spent input buffer comes back as a spare, and a spare sent along carries the narrowed result', async () => {
    const size = 16;
    const input = new ArrayBuffer(size * size * 3 + 48);
    new Uint8Array(input).fill(10);
    const spare = new ArrayBuffer(size * size * 3);
    const result = await pool.run({ ...task(input, size, 3), steps: [{ name: 'median', params: { radius: 1 }, radius: 1 }], spare });
    expect([input.byteLength, spare.byteLength]).toEqual([0, 0]); // both moved to the worker
    expect(result.spare?.byteLength).toBe(size * size * 3 + 48);
    expect(result.buffer?.byteLength).toBe(size * size * 3);
    expect(Array.from(new Uint8Array(result.buffer!, 0, 6))).toEqual([10, 10, 10, 10, 10, 10]);
  });

  it('every op that declares rgb: true gives, on an RGB raster, the colour bytes it gives on the same raster as RGBA (cut into tiles either way)', async () => {
    const registry = new OpRegistry();
    const rgbOps = registry.list().filter((d) => d.kind !== 'geometry' && 'rgb' in d && d.rgb === true).map((d) => d.name);
    // Every built-in op with a kernel (LUT ops need no flag; opacity, on RGB, has no alpha to change).
    expect(rgbOps.sort()).toEqual(registry.list().filter((d) => d.kind !== 'geometry' && (d.kind !== 'point' || d.kernel)).map((d) => d.name).sort());
    expect(rgbOps).toContain('channel-mix');
    expect(rgbOps).toContain('median');
    // Parameters that change the pixels (some ops' defaults do not), and each kernel's other paths.
    const spec: Record<string, string[]> = {
      convolve: ['convolve:matrix=1 2 1 2 4 2 1 2 1'], saturation: ['saturation:factor=1.7'], tint: ['tint:r=255,g=180,b=90'],
      hue: ['hue:degrees=100'], 'channel-mix': ['channel-mix:matrix=0.5 0.5 0 0 1 0 0.2 0.2 0.6'],
    };
    const more = [
      ['convolve:matrix=0.1 -0.2 0.1 0.2 0.9 0.2 0 0 0,offset=3.5', 'emboss:strength=2.5'],
      ['channel-mix:matrix=1 0 0 0.1 0 0.9 0 0 0 0 1 -0.05 0 0 0 1'], ['threshold:value=60,grayscale=false'], ['saturation:factor=0.4', 'sepia:amount=0.5'],
    ];
    const coordinator = new Coordinator(pool, { tileSize: 24, plugins: [] });
    const w = 61, h = 47;
    // Blue at half the level of red and green, so that the white balance has something to do.
    const rgb = Uint8Array.from({ length: w * h * 3 }, (_, i) => ((i * 7919) % 251) >> (i % 5 === 0 ? 0 : 2) >> (i % 3 === 2 ? 1 : 0));
    const rgba = new Uint8Array(w * h * 4);
    for (let p = 0; p < w * h; p++) rgba.set([rgb[p * 3], rgb[p * 3 + 1], rgb[p * 3 + 2], 255], p * 4);
    for (const chain of [...rgbOps.filter((op) => op !== 'opacity').map((op) => spec[op] ?? [op]), ...more, ['blur:sigma=2,precision=approximate', 'sobel', 'normalize:lower=2,upper=98', 'sharpen'], ['median:radius=2', 'equalize', 'median:radius=3']]) {
      const stages = planChain(resolveChain(chain, registry));
      const three = await coordinator.run({ data: rgb.slice(), width: w, height: h, channels: 3, hasAlpha: false }, stages);
      const four = await coordinator.run({ data: rgba.slice(), width: w, height: h, channels: 4, hasAlpha: false }, stages);
      expect(three.channels).toBe(3);
      const colour = four.data.filter((_, i) => i % 4 !== 3);
      expect(Buffer.from(three.data).equals(Buffer.from(colour)), chain.join(' → ')).toBe(true);
      expect(Buffer.from(three.data).equals(Buffer.from(rgb)), `${chain.join(' → ')} changes the pixels`).toBe(false);
    }
  });

  it('tiled == untiled for an RGB raster cut into many tiles, with buffers recycled across stages', async () => {
    const coordinator = new Coordinator(pool, { tileSize: 16, plugins: [] });
    const registry = new OpRegistry();
    const w = 70, h = 45;
    const make = () => Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 7919) % 251);
    const stages = planChain(resolveChain(['blur:sigma=1.5', 'invert', 'sharpen', 'median:radius=1'], registry));
    const tiled = await coordinator.run({ data: make(), width: w, height: h, channels: 3, hasAlpha: false }, stages);
    const whole = new Coordinator(pool, { tileSize: 4096, plugins: [] });
    const untiled = await whole.run({ data: make(), width: w, height: h, channels: 3, hasAlpha: false }, stages);
    expect(tiled.channels).toBe(3);
    expect(tiled.data.length).toBe(w * h * 3);
    expect(Buffer.from(tiled.data).equals(Buffer.from(untiled.data))).toBe(true);
  });
});

describe('BufferPool (spent tile buffers)', () => {
  it('hands back a kept buffer of the size asked for up to twice it, and never keeps more than its bounds', async () => {
    const { BufferPool } = await import('../../dist/src/exec/buffer-pool.js');
    const pool = new BufferPool(3, 1000);
    const a = new ArrayBuffer(400);
    pool.give(a);
    expect(pool.takeKept(500)).toBeUndefined(); // too small
    expect(pool.takeKept(150)).toBeUndefined(); // more than twice the size asked for
    expect(pool.takeKept(300)).toBe(a);
    expect(pool.takeKept(300)).toBeUndefined(); // taken: no longer kept
    // The byte bound drops the oldest: 400 + 400 + 400 > 1000.
    const [b, c, d] = [new ArrayBuffer(400), new ArrayBuffer(400), new ArrayBuffer(400)];
    pool.give(b);
    pool.give(c);
    pool.give(d);
    expect([pool.takeKept(400), pool.takeKept(400), pool.takeKept(400)]).toEqual([c, d, undefined]);
    pool.give(new ArrayBuffer(1001)); // larger than the bound: not kept
    expect(pool.takeKept(1001)).toBeUndefined();
    // A view of exactly the size asked for, over a kept buffer or a fresh one.
    pool.give(new ArrayBuffer(600));
    expect(pool.take(500).byteLength).toBe(500);
    expect(pool.take(500).buffer.byteLength).toBe(500);
  });
});
