/**
 * Point ops with a `native` step (libvips runs them inside the one-pipeline
 * transcode) must give exactly the bytes of their lookup table. Every value of
 * every channel goes through: the input holds 0..255 in R, reversed in G, a
 * permutation in B, and (RGBA) alpha varying too. The same op in a two-op
 * chain takes the two-step path (decode → raw → table → encode); both must
 * agree with the table computed here, byte for byte.
 */
import { afterAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createPipeline } from '../../dist/src/index.js';
import { OpRegistry } from '../../dist/src/plan/registry.js';
import { resolveOp } from '../../dist/src/plan/chain.js';
import { syntheticRgba, tempDir } from '../fixtures.js';

const dir = tempDir('tilepipe-native-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 256 × 4 pixels: every value in every channel, in several combinations. */
function everyValue(channels: 3 | 4): Uint8Array {
  const w = 256;
  const h = 4;
  const d = new Uint8Array(w * h * channels);
  for (let y = 0; y < h; y++) {
    for (let v = 0; v < w; v++) {
      const i = (y * w + v) * channels;
      d[i] = (v + y * 64) & 255;
      d[i + 1] = 255 - v;
      d[i + 2] = (v * 97 + y) & 255;
      if (channels === 4) d[i + 3] = (v * 31 + y * 50) & 255;
    }
  }
  return d;
}

async function writeInput(channels: 3 | 4): Promise<string> {
  const file = path.join(dir, `every-${channels}.png`);
  await sharp(everyValue(channels), { raw: { width: 256, height: 4, channels } }).png().toFile(file);
  return file;
}

/** Raw pixels of a PNG, with the channels it has. */
async function raw(file: string): Promise<Buffer> {
  return sharp(file).raw().toBuffer();
}

const registry = new OpRegistry();
const natives = registry.list().filter((d) => d.kind === 'point' && typeof d.native === 'function').map((d) => d.name);

/** Parameter sets per op (the defaults always run too). */
const CASES: Record<string, string[]> = {
  invert: ['invert'],
  linear: ['linear', 'linear:a=1.5,b=-20', 'linear:a=0.5 1 2.25,b=10 0 -5.5', 'linear:a=-1,b=255.7', 'linear:a=0.1,b=0.99'],
};

describe('native point ops give the bytes of their table', () => {
  it('the built-ins with a native step are known here', () => {
    expect(natives.sort()).toEqual(Object.keys(CASES).sort());
  });

  for (const channels of [3, 4] as const) {
    for (const spec of Object.values(CASES).flat()) {
      it(`${spec} on ${channels === 4 ? 'RGBA' : 'RGB'}: one pipeline, and the same bytes as the table and as the two-step path`, async () => {
        const input = await writeInput(channels);
        const inst = resolveOp(spec, registry);
        const lut = (inst.def as { lut(p: unknown): Uint8Array }).lut(inst.params);
        const expected = everyValue(channels);
        for (let i = 0; i < expected.length; i += channels) {
          for (let c = 0; c < 3; c++) expected[i + c] = lut[c * 256 + expected[i + c]];
        }
        const tag = `${spec.replace(/[^a-z0-9]+/gi, '_')}-${channels}`;
        const direct = createPipeline({ workers: 1, cacheDir: false });
        const twoStep = createPipeline({ workers: 1, cacheDir: false });
        try {
          const one = path.join(dir, `${tag}-direct.png`);
          const two = path.join(dir, `${tag}-two.png`);
          const [r1] = await direct.processFiles([{ input, outputs: [{ path: one, format: 'png' }] }], { ops: [spec] });
          const [r2] = await twoStep.processFiles([{ input, outputs: [{ path: two, format: 'png' }] }], { ops: [spec, 'linear'] });
          expect([r1.status, r2.status]).toEqual(['ok', 'ok']);
          // The first ran as one libvips pipeline, the second through raw pixels.
          expect(direct.times().transcodeMs).toBeGreaterThan(0);
          expect(direct.times().decodeMs).toBe(0);
          expect(twoStep.times().transcodeMs).toBe(0);
          expect(twoStep.times().decodeMs).toBeGreaterThan(0);
          expect(Buffer.compare(await raw(one), Buffer.from(expected))).toBe(0);
          expect(Buffer.compare(await raw(two), Buffer.from(expected))).toBe(0);
        } finally {
          await Promise.all([direct.close(), twoStep.close()]);
        }
      });
    }
  }

  it('a JPEG through one pipeline is the same file as through raw pixels', async () => {
    const photo = path.join(dir, 'photo.jpg');
    await sharp(Buffer.from(syntheticRgba(300, 200, 7, false)), { raw: { width: 300, height: 200, channels: 4 } }).removeAlpha().jpeg({ quality: 90 }).toFile(photo);
    const p = createPipeline({ workers: 1, cacheDir: false });
    try {
      const files = ['direct', 'two'].map((n) => path.join(dir, `photo-${n}.jpg`));
      const [r1] = await p.processFiles([{ input: photo, outputs: [{ path: files[0], format: 'jpeg' }] }], { ops: ['invert'] });
      const [r2] = await p.processFiles([{ input: photo, outputs: [{ path: files[1], format: 'jpeg' }] }], { ops: ['invert', 'linear'] });
      expect([r1.status, r2.status]).toEqual(['ok', 'ok']);
      expect(Buffer.compare(readFileSync(files[0]), readFileSync(files[1]))).toBe(0);
    } finally {
      await p.close();
    }
  });

  it('after a resize on load, the same pixels as resizing, then the table, through raw pixels', async () => {
    const photo = path.join(dir, 'photo-big.jpg');
    await sharp(Buffer.from(syntheticRgba(641, 437, 11, false)), { raw: { width: 641, height: 437, channels: 4 } }).removeAlpha().jpeg({ quality: 90 }).toFile(photo);
    for (const spec of ['invert', 'linear:a=0.5 1 2.25,b=10 0 -5.5']) {
      const direct = createPipeline({ workers: 1, cacheDir: false });
      const twoStep = createPipeline({ workers: 1, cacheDir: false });
      try {
        const files = ['direct', 'two'].map((n) => path.join(dir, `resized-${n}.png`));
        const [r1] = await direct.processFiles([{ input: photo, outputs: [{ path: files[0], format: 'png' }] }], { ops: ['resize:width=300', spec] });
        const [r2] = await twoStep.processFiles([{ input: photo, outputs: [{ path: files[1], format: 'png' }] }], { ops: ['resize:width=300', spec, 'linear'] });
        expect([r1.status, r2.status]).toEqual(['ok', 'ok']);
        expect([direct.times().decodeMs, twoStep.times().transcodeMs]).toEqual([0, 0]);
        expect(Buffer.compare(await raw(files[0]), await raw(files[1])), spec).toBe(0);
      } finally {
        await Promise.all([direct.close(), twoStep.close()]);
      }
    }
  });

  // Lowering is used only where the test above covers it (3- or 4-band sRGB); a grey source keeps the two-step path.
  it('a source that is not sRGB (greyscale) takes the two-step path, with the same result', async () => {
    const grey = path.join(dir, 'grey.png');
    const values = Uint8Array.from({ length: 256 }, (_, v) => v);
    await sharp(values, { raw: { width: 256, height: 1, channels: 1 } }).toColourspace('b-w').png().toFile(grey);
    expect((await sharp(grey).metadata()).space).toBe('b-w');
    const p = createPipeline({ workers: 1, cacheDir: false });
    try {
      const out = path.join(dir, 'grey-out.png');
      const inverted = path.join(dir, 'grey-inverted.png');
      const [r] = await p.processFiles([{ input: grey, outputs: [{ path: out, format: 'png' }] }], { ops: ['linear:a=0.5 1 2,b=0 3 -4'] });
      const [r2] = await p.processFiles([{ input: grey, outputs: [{ path: inverted, format: 'png' }] }], { ops: ['invert'] });
      expect([r.status, r2.status]).toEqual(['ok', 'ok']);
      expect(p.times().transcodeMs).toBe(0);
      const inv = await sharp(inverted).raw().toBuffer();
      expect([...inv]).toEqual([...values].flatMap((v) => [255 - v, 255 - v, 255 - v]));
      const rgb = await sharp(out).raw().toBuffer({ resolveWithObject: true });
      expect(rgb.info.channels).toBe(3);
      for (let v = 0; v < 256; v++) {
        expect([...rgb.data.subarray(v * 3, v * 3 + 3)]).toEqual([Math.trunc(0.5 * v), Math.min(255, v + 3), Math.max(0, Math.min(255, 2 * v - 4))]);
      }
    } finally {
      await p.close();
    }
  });
});
