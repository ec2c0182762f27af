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

function task(buffer: ArrayBuffer, size: number): TileTask {
  const rect = { x: 0, y: 0, width: size, height: size };
  return {
    steps: [{ name: 'invert', params: {}, radius: 0 }], keepPixels: true, hasAlpha: false,
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
    const out = await coordinator.run({ data, width: 64, height: 48, hasAlpha: false }, stages);
    expect(data.buffer.byteLength).toBe(0);
    expect(out.data.length).toBe(64 * 48 * 4);
    expect(out.data[0]).toBe(100);
  });
});
