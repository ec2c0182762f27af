// Soak test (not part of `npm test`; run by .ci/run as `npm run soak`, with V8's young
// generation capped as the workers' is, so its one-time growth is not mistaken for a leak):
// 1,000 small images in one run. Asserts that RSS after the run is within
// 50 MB of RSS after the first 100 files, and that no file handle, worker or
// other resource outlives `close()`.
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createPipeline } from '../../dist/src/index.js';

const COUNT = Number(process.env.SOAK_COUNT ?? 1000);
const gc = globalThis.gc ?? (() => {});
const rssMb = () => { gc(); return process.memoryUsage().rss / 1048576; };
const resources = () => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').sort();
const fail = (msg) => { console.error(`soak: FAIL: ${msg}`); process.exit(1); };

const root = path.join(os.tmpdir(), `tilepipe-soak-${process.pid}`);
const input = path.join(root, 'in');
for (let i = 0; i < COUNT; i++) {
  const dir = path.join(input, `d${i % 10}`);
  if (i < 10) mkdirSync(dir, { recursive: true });
  const png = await sharp({ create: { width: 64 + (i % 7), height: 48 + (i % 5), channels: i % 3 ? 3 : 4, background: { r: i % 256, g: (i * 7) % 256, b: 90, alpha: 0.5 } } }).png().toBuffer();
  writeFileSync(path.join(dir, `img-${i}.png`), png);
}
// Worker threads forward their stdio through the main thread's streams, created lazily: create them
// now, so that the comparison below sees only handles the pipeline itself leaves behind.
void process.stdout.writable;
void process.stderr.writable;
const before = resources();
const p = createPipeline({ workers: os.availableParallelism(), cacheDir: false }); // measure processing, not cache restores
let seen = 0;
let after100 = 0;
const start = performance.now();
const summary = await p.run({
  inputs: [input], outDir: path.join(root, 'out'), ops: ['blur:sigma=1', 'sharpen', 'normalize', 'resize:width=40'],
  onProgress: () => { if (++seen === 100) after100 = rssMb(); },
});
const end = rssMb();
await p.close();
const left = resources();
const wall = performance.now() - start;
console.log(`soak: ${summary.ok} ok, ${summary.failed} failed in ${(wall / 1000).toFixed(1)} s; RSS after 100: ${after100.toFixed(1)} MB, after ${COUNT}: ${end.toFixed(1)} MB (+${(end - after100).toFixed(1)}); resources before ${JSON.stringify(before)}, after close ${JSON.stringify(left)}`);
if (summary.ok !== COUNT || summary.failed !== 0) fail(`expected ${COUNT} ok`);
if (end - after100 > 50) fail(`RSS grew by ${(end - after100).toFixed(1)} MB after the first 100 files`);
if (JSON.stringify(left) !== JSON.stringify(before)) fail(`resources leaked: ${JSON.stringify(left)} vs ${JSON.stringify(before)}`);
rmSync(root, { recursive: true, force: true });
// Nothing may keep the process alive now: a leaked handle would trip this (unref'd) timer.
setTimeout(() => fail('the process did not exit after close(): a handle leaked'), 10_000).unref();
console.log('soak: ok');
