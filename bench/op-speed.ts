/**
 * Single-core throughput of every operation (MP/s on a 12 MP RGBA image), and
 * libvips's single-thread time for the same operation where sharp has one,
 * side by side in one run. Run: `npm run build && node dist/bench/op-speed.js [--mp 12] [--runs 5] [--only blur,median]`;
 * `--spec box-blur:radius=50` times one op with those parameters instead of the bench's;
 * `--rgb` times them on a 3-channel raster (a photo's: no alpha) instead of RGBA.
 *
 * Tile ops run through the same executor the workers use, on one whole-image
 * tile on this thread; global ops are timed as their two passes (summary, then
 * apply). sharp runs with concurrency(1) and cache off, raw RGBA in and out.
 */
import sharp, { type Sharp } from 'sharp';
import { OpRegistry } from '../src/plan/registry.js';
import { resolveOp } from '../src/plan/chain.js';
import { executeTile, type TileTask } from '../src/exec/worker/executor.js';
import { median, syntheticRaster } from './workload.js';
import { narrowToRgb } from '../src/model/raster.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const mp = Number(arg('mp') ?? 12);
const runs = Number(arg('runs') ?? 5);
/** One op's parameters instead of the bench's (`--spec name:key=value,…`); the run is then that op only. */
const spec = arg('spec');
const only = arg('only')?.split(',') ?? (spec ? [spec.split(':')[0]] : undefined);
const width = Math.round(Math.sqrt((mp * 1e6 * 4) / 3));
const height = Math.round((width * 3) / 4);
const pixels = width * height;

sharp.concurrency(1);
sharp.cache(false);
const registry = new OpRegistry();
/** Bytes per pixel of the timed raster: RGBA, or RGB with `--rgb`. */
const channels: 3 | 4 = process.argv.includes('--rgb') ? 3 : 4;
const rgba = syntheticRaster(width, height, 5).data;
const source = { data: channels === 3 ? narrowToRgb(rgba) : rgba };

/** The op's spec for this bench (defaults, or what makes it comparable with libvips). */
const SPECS: Record<string, string> = {
  median: 'median:radius=2',
  convolve: 'convolve:matrix=1 2 1 2 4 2 1 2 1',
  'box-blur': 'box-blur:radius=3',
  pixelate: 'pixelate:size=8',
  blur: 'blur:sigma=2',
  tint: 'tint:r=255,g=200,b=120',
  opacity: 'opacity:factor=0.5',
  saturation: 'saturation:factor=1.5',
  brightness: 'brightness:factor=1.2',
  hue: 'hue:degrees=90',
  linear: 'linear:a=1.2,b=-10',
  ...(spec ? { [spec.split(':')[0]]: spec } : {}),
};

/** The nearest libvips operation, where sharp has one. */
const LIBVIPS: Record<string, (s: Sharp) => Sharp> = {
  // Exact: a float kernel out to 3σ (amplitude e^-4.5); approximate: sharp's default blur(2).
  blur: (s) => s.blur({ sigma: 2, precision: 'float', minAmplitude: Math.exp(-4.5) }),
  'blur-approximate': (s) => s.blur(2),
  sharpen: (s) => s.sharpen({ sigma: 1 }),
  median: (s) => s.median(5),
  convolve: (s) => s.convolve({ width: 3, height: 3, kernel: [1, 2, 1, 2, 4, 2, 1, 2, 1] }),
  dilate: (s) => s.dilate(1),
  erode: (s) => s.erode(1),
  grayscale: (s) => s.greyscale(),
  invert: (s) => s.negate({ alpha: false }),
  gamma: (s) => s.gamma(2.2, 1),
  linear: (s) => s.linear(1.2, -10),
  threshold: (s) => s.threshold(128),
  normalize: (s) => s.normalise(),
  brightness: (s) => s.modulate({ brightness: 1.2 }),
  saturation: (s) => s.modulate({ saturation: 1.5 }),
  hue: (s) => s.modulate({ hue: 90 }),
};

/** Times `fn` on a fresh copy of the source (the copy itself is not timed). */
function time(fn: (buffer: ArrayBuffer) => void): number {
  const buffer = source.data.slice().buffer;
  const t = performance.now();
  fn(buffer);
  return performance.now() - t;
}

function runTile(buffer: ArrayBuffer, steps: TileTask['steps'], reduce?: TileTask['reduce']): ReturnType<typeof executeTile> {
  const rect = { x: 0, y: 0, width, height };
  return executeTile({ steps, reduce, keepPixels: true, hasAlpha: false, channels, imageWidth: width, imageHeight: height, core: rect, input: rect, buffer, plugins: [] }, registry);
}

console.log(`# Single-core throughput, ${width}x${height} ${channels === 3 ? 'RGB' : 'RGBA'} (${mp} MP), median of ${runs} runs\n`);
console.log('| op | kind | spec | tilepipe ms | tilepipe MP/s | libvips ms (1 thread) | libvips MP/s | tilepipe / libvips time |');
console.log('|---|---|---|---|---|---|---|---|');
/** Extra rows: an op with other parameters, keyed as LIBVIPS is. */
const EXTRA: Record<string, { op: string; spec: string }> = {
  'blur-approximate': { op: 'blur', spec: 'blur:sigma=2,precision=approximate' },
  'sharpen-approximate': { op: 'sharpen', spec: 'sharpen:precision=approximate' },
};
const rows = registry.list().flatMap((def) => [
  { key: def.name, def, spec: SPECS[def.name] ?? def.name },
  ...Object.entries(EXTRA).filter(([, e]) => e.op === def.name).map(([key, e]) => ({ key, def, spec: e.spec })),
]);
for (const { key, def, spec } of rows) {
  if (def.kind === 'geometry' || (only && !only.includes(def.name))) continue;
  const inst = resolveOp(spec, registry);
  const radius = def.kind === 'neighbourhood' ? def.radius(inst.params as never) : 0;
  const ours: number[] = [];
  for (let r = 0; r <= runs; r++) {
    let ms: number;
    if (def.kind === 'global') {
      ms = time((buffer) => {
        const { partial, buffer: same } = runTile(buffer, [], { name: def.name, params: inst.params });
        const applied = def.finish(partial, inst.params as never);
        runTile(same ?? buffer, [{ name: def.name, params: inst.params, radius: 0, applied }]);
      });
    } else {
      ms = time((buffer) => runTile(buffer, [{ name: def.name, params: inst.params, radius }]));
    }
    if (r > 0) ours.push(ms);
  }
  const vips = LIBVIPS[key];
  const theirs: number[] = [];
  if (vips) {
    for (let r = 0; r <= runs; r++) {
      const t = performance.now();
      await vips(sharp(source.data, { raw: { width, height, channels } })).raw().toBuffer();
      if (r > 0) theirs.push(performance.now() - t);
    }
  }
  const o = median(ours);
  const v = theirs.length ? median(theirs) : undefined;
  const mps = (ms: number): string => (pixels / 1e3 / ms).toFixed(1);
  console.log(`| ${def.name} | ${def.kind} | \`${spec}\` | ${o.toFixed(0)} | ${mps(o)} | ${v ? v.toFixed(0) : '—'} | ${v ? mps(v) : '—'} | ${v ? (o / v).toFixed(2) + '×' : '—'} |`);
}
