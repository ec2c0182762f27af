/**
 * Measures how tile size affects wall time and pool overhead, to choose the
 * default tile size. Run: `npm run build && node dist/bench/tile-size.js [--mp 12] [--runs 5]`.
 *
 * Reports per chain and tile size: median wall ms over runs, tiles per image,
 * median in-worker compute per tile, and the pool overhead: the share of
 * worker time not spent in kernels, (wall × workers − Σ compute) / (wall × workers).
 * Also measures the bare per-task round trip of piscina with an empty stage.
 */
import os from 'node:os';
import { TilePool } from '../src/exec/worker/pool.js';
import { Coordinator } from '../src/exec/coordinator.js';
import { OpRegistry } from '../src/plan/registry.js';
import { resolveChain } from '../src/plan/chain.js';
import { planChain } from '../src/plan/plan.js';
import type { TileTask } from '../src/exec/worker/executor.js';
import { median, syntheticRaster } from './workload.js';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const mp = arg('mp', 12);
const runs = arg('runs', 5);
const workers = arg('workers', os.availableParallelism());
const width = Math.round(Math.sqrt((mp * 1e6 * 4) / 3));
const height = Math.round((width * 3) / 4);
const sizes = [64, 128, 256, 384, 512, 768, 1024, 2048];
const chains = [['invert', 'gamma'], ['blur:sigma=2'], ['blur:sigma=2', 'sharpen'], ['median:radius=2'], ['sobel', 'grayscale']];

const pool = new TilePool({ workers });
const registry = new OpRegistry();

// Bare per-task overhead: an empty stage on a 64-byte tile, one task at a time.
const rect = { x: 0, y: 0, width: 4, height: 4 };
const rtts: number[] = [];
for (let i = 0; i < 2000; i++) {
  const task: TileTask = { steps: [], keepPixels: true, hasAlpha: false, channels: 4, imageWidth: 4, imageHeight: 4, core: rect, input: rect, buffer: new ArrayBuffer(64), plugins: [] };
  const t = performance.now();
  await pool.run(task);
  if (i >= 200) rtts.push(performance.now() - t);
}
console.log(`# Tile size on ${width}x${height} (${mp} MP) RGBA, ${workers} workers, ${runs} runs (median)\n`);
console.log(`piscina per-task round trip (empty task, sequential): median ${median(rtts).toFixed(3)} ms\n`);
console.log('| chain | tile | tiles | wall ms (median) | MP/s | compute/tile ms | pool overhead |');
console.log('|---|---|---|---|---|---|---|');

for (const ops of chains) {
  const stages = planChain(resolveChain(ops, registry));
  for (const size of sizes) {
    const coordinator = new Coordinator(pool, { tileSize: size, plugins: [] });
    const walls: number[] = [];
    const overheads: number[] = [];
    const perTile: number[] = [];
    let tiles = 0;
    for (let r = 0; r <= runs; r++) {
      const raster = syntheticRaster(width, height, 3);
      const before = { ...pool.times };
      const t = performance.now();
      await coordinator.run(raster, stages);
      const wall = performance.now() - t;
      if (r === 0) continue; // warm-up
      const compute = pool.times.computeMs - before.computeMs;
      tiles = pool.times.tiles - before.tiles;
      walls.push(wall);
      overheads.push((wall * workers - compute) / (wall * workers));
      perTile.push(compute / tiles);
    }
    const w = median(walls);
    console.log(`| ${ops.join(' → ')} | ${size} | ${tiles} | ${w.toFixed(0)} | ${((width * height) / 1e3 / w).toFixed(1)} | ${median(perTile).toFixed(2)} | ${(median(overheads) * 100).toFixed(1)} % |`);
  }
}
await pool.close();
