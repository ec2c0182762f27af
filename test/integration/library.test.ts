/** The batch API for build tools: variants, records, abort, cache, de-duplication, stream, failOnError. */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { createPipeline, type FileEvent, type RunSummary } from '../../dist/src/index.js';
import { syntheticPng, tempDir } from '../fixtures.js';

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => !f.endsWith('.json') && /\.\w+$/.test(f)).sort();
}
const temps = (dir: string): string[] => (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.includes('tilepipe-tmp'));

async function folder(count: number, width = 120, height = 80): Promise<string> {
  const dir = tempDir();
  for (let i = 0; i < count; i++) writeFileSync(path.join(dir, `img-${String(i).padStart(2, '0')}.png`), await syntheticPng(width, height, i + 1, false));
  return dir;
}

describe('run()', () => {
  it('two formats × two widths: exactly those files, with correct dimensions, described in the summary', async () => {
    const input = await folder(2);
    const out = path.join(tempDir(), 'img');
    const p = createPipeline({ workers: 2, cacheDir: path.join(tempDir(), 'cache') });
    try {
      const s = await p.run({ inputs: [input], outDir: out, ops: ['resize:width=100', 'sharpen'], formats: ['webp', 'avif'], widths: [40, 60] });
      expect(s).toMatchObject({ ok: 2, failed: 0, outputs: 8 });
      expect(files(out)).toEqual(['img-00-40.avif', 'img-00-40.webp', 'img-00-60.avif', 'img-00-60.webp', 'img-01-40.avif', 'img-01-40.webp', 'img-01-60.avif', 'img-01-60.webp']);
      for (const f of s.files) {
        for (const o of f.outputs) {
          const m = await sharp(o.path).metadata();
          expect(o.width).toBe(m.width);
          expect(o.height).toBe(m.height);
          expect(o.width).toBe(Number(/-(\d+)\./.exec(o.path)![1]));
          expect(o.height).toBe(Math.round((o.width! * 80) / 120));
          expect(o.bytes).toBeGreaterThan(0);
          expect(o.format).toBe(path.extname(o.path).slice(1));
        }
      }
    } finally {
      await p.close();
    }
  });

  it('abort halfway: resolves within 2 s, reports aborted, leaves no partial or temp files; the next run completes from the cache', async () => {
    const input = await folder(30, 400, 300);
    const out = path.join(tempDir(), 'out');
    const cacheDir = path.join(tempDir(), 'cache');
    const controller = new AbortController();
    let abortedAt = 0;
    const p = createPipeline({ workers: 2, cacheDir });
    let summary: RunSummary;
    try {
      summary = await p.run({
        inputs: [input], outDir: out, ops: ['blur:sigma=3', 'sharpen'], formats: ['png'], signal: controller.signal,
        onProgress: (e) => {
          if (e.status === 'ok' && !abortedAt) {
            abortedAt = performance.now();
            controller.abort();
          }
        },
      });
    } finally {
      await p.close();
    }
    expect(performance.now() - abortedAt).toBeLessThan(2000);
    expect(summary.aborted).toBe(true);
    expect(summary.ok).toBeLessThan(30);
    expect(temps(out)).toEqual([]);
    const written = files(out);
    for (const f of written) expect((await sharp(path.join(out, f)).metadata()).width).toBe(400);

    // The first run's outputs went to the cache: a new pipeline into a fresh out-dir restores them.
    const again = createPipeline({ workers: 2, cacheDir });
    try {
      const events: FileEvent[] = [];
      const s = await again.run({ inputs: [input], outDir: path.join(tempDir(), 'out2'), ops: ['blur:sigma=3', 'sharpen'], formats: ['png'], onProgress: (e) => events.push(e) });
      expect(s).toMatchObject({ ok: 30, failed: 0, aborted: false });
      expect(events.filter((e) => e.from === 'cache').length).toBeGreaterThanOrEqual(written.length);
      expect(again.times().images).toBe(30 - events.filter((e) => e.from === 'cache').length);
    } finally {
      await again.close();
    }
  });

  it('the cache skips unchanged inputs across pipelines and redoes one changed input', async () => {
    const input = await folder(3);
    const cacheDir = path.join(tempDir(), 'cache');
    const opts = { inputs: [input], ops: ['invert', 'blur'], formats: ['webp' as const] };
    const first = createPipeline({ workers: 1, cacheDir });
    await first.run({ ...opts, outDir: path.join(tempDir(), 'a') });
    await first.close();
    writeFileSync(path.join(input, 'img-01.png'), await syntheticPng(120, 80, 99, false));
    const second = createPipeline({ workers: 1, cacheDir });
    try {
      const s = await second.run({ ...opts, outDir: path.join(tempDir(), 'b') });
      expect(s.ok).toBe(3);
      const byName = Object.fromEntries(s.files.map((f) => [path.basename(f.input), f.from ?? 'processed']));
      expect(byName).toEqual({ 'img-00.png': 'cache', 'img-01.png': 'processed', 'img-02.png': 'cache' });
      expect(second.times().images).toBe(1);
    } finally {
      await second.close();
    }
  });

  it('identical inputs in one run are processed once', async () => {
    const input = tempDir();
    const png = await syntheticPng(60, 40, 5, false);
    for (const n of ['a', 'b', 'c']) writeFileSync(path.join(input, `${n}.png`), png);
    const p = createPipeline({ workers: 2, cacheDir: false });
    try {
      const s = await p.run({ inputs: [input], outDir: path.join(input, 'out'), ops: ['sobel'] });
      expect(s.ok).toBe(3);
      expect(p.times().images).toBe(1);
      expect(s.files.filter((f) => f.from === 'duplicate')).toHaveLength(2);
      const [a, b] = await Promise.all(['a', 'c'].map((n) => sharp(path.join(input, 'out', `${n}.png`)).raw().toBuffer()));
      expect(a.equals(b)).toBe(true);
    } finally {
      await p.close();
    }
  });

  it('stream() yields the same events as onProgress, then the summary', async () => {
    const input = await folder(3);
    const p = createPipeline({ workers: 2, cacheDir: false });
    try {
      const seen: FileEvent[] = [];
      const items: Array<FileEvent | RunSummary> = [];
      for await (const e of p.stream({ inputs: [input], outDir: path.join(tempDir(), 'o'), ops: ['invert'], onProgress: (e) => seen.push(e) })) items.push(e);
      expect(items.slice(0, -1)).toEqual(seen);
      expect(items.at(-1)).toMatchObject({ type: 'summary', ok: 3 });
    } finally {
      await p.close();
    }
  });

  it('one bad image is reported, not thrown; with failOnError the run rejects naming it', async () => {
    const input = await folder(2);
    writeFileSync(path.join(input, 'bad.png'), 'not a png');
    const p = createPipeline({ workers: 1, cacheDir: false });
    try {
      const s = await p.run({ inputs: [input], outDir: path.join(tempDir(), 'o'), ops: ['invert'] });
      expect(s).toMatchObject({ ok: 2, failed: 1 });
      await expect(p.run({ inputs: [input], outDir: path.join(tempDir(), 'o2'), ops: ['invert'], failOnError: true })).rejects.toThrow(/bad\.png/);
    } finally {
      await p.close();
    }
  });

  it('keepFiles: false keeps only failed outcomes in summary.files; counts and files on disk are complete', async () => {
    const input = await folder(3);
    writeFileSync(path.join(input, 'bad.png'), 'not a png');
    const out = path.join(tempDir(), 'o');
    const p = createPipeline({ workers: 1, cacheDir: false });
    try {
      const seen: FileEvent[] = [];
      const s = await p.run({ inputs: [input], outDir: out, ops: ['invert'], keepFiles: false, onProgress: (e) => seen.push(e) });
      expect(s).toMatchObject({ ok: 3, failed: 1, outputs: 3 });
      expect(s.files.map((f) => [path.basename(f.input), f.status])).toEqual([['bad.png', 'failed']]);
      expect(seen).toHaveLength(4);
      expect(files(out)).toEqual(['img-00.png', 'img-01.png', 'img-02.png']);
      await expect(p.run({ inputs: [input], outDir: out, keepFiles: 'no' as never })).rejects.toThrow(/keepFiles must be true or false/);
    } finally {
      await p.close();
    }
  });
});

describe('variants()', () => {
  it('returns every width × format from the cache, sharing in-flight work between identical calls', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'photo.png');
    writeFileSync(file, await syntheticPng(200, 100, 3, true));
    const p = createPipeline({ workers: 2, cacheDir: path.join(dir, 'cache') });
    try {
      const opts = { ops: ['blur:sigma=1'], formats: ['webp', 'png'] as const, widths: [50, 100] };
      const [a, b] = await Promise.all([p.variants(file, opts), p.variants(file, opts)]);
      expect(b).toEqual(a);
      expect(p.times().images).toBe(1);
      expect(a.map((r) => [r.format, r.width, r.height])).toEqual([['webp', 50, 25], ['png', 50, 25], ['webp', 100, 50], ['png', 100, 50]]);
      for (const r of a) expect(r.path.startsWith(path.join(dir, 'cache'))).toBe(true);
      await p.variants(file, opts);
      expect(p.times().images).toBe(1); // served from the cache
    } finally {
      await p.close();
    }
  });
});
