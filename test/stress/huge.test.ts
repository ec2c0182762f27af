/** A 100 MP image processes with peak RSS ≤ 3 × its RGBA size + 200 MB (measured in a fresh process). */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import sharp from 'sharp';
import { tempDir } from '../fixtures.js';

describe('huge images', () => {
  it('100 MP: blur + sobel + normalize, JPEG out, within the memory bound', async () => {
    const dir = tempDir();
    const input = path.join(dir, 'huge.jpg');
    const side = 10000;
    // A gradient with edges, generated small and enlarged (fast to make, full-size to decode).
    await sharp({ create: { width: 100, height: 100, channels: 3, background: '#4080c0' } })
      .composite([{ input: Buffer.from('<svg width="100" height="100"><circle cx="50" cy="50" r="30" fill="#f0a020"/></svg>') }])
      .resize(side, side, { kernel: 'linear' }).jpeg({ quality: 85 }).toFile(input);
    const output = path.join(dir, 'out.jpg');
    const probe = `
      import { createPipeline } from ${JSON.stringify(path.resolve('dist/src/index.js'))};
      const p = createPipeline({ workers: 2 });
      const [r] = await p.processFiles([{ input: ${JSON.stringify(input)}, outputs: [{ path: ${JSON.stringify(output)}, format: 'jpeg' }] }], { ops: ['blur:sigma=2', 'sobel', 'normalize'] });
      await p.close();
      console.log(JSON.stringify({ status: r.status, error: r.error, maxRssMb: process.resourceUsage().maxRSS / 1024 }));`;
    const result = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' }));
    expect(result.status, result.error).toBe('ok');
    const rgbaMb = (side * side * 4) / 1048576;
    expect(result.maxRssMb, `peak RSS ${Math.round(result.maxRssMb)} MB`).toBeLessThanOrEqual(3 * rgbaMb + 200);
    console.log(`100 MP peak RSS: ${Math.round(result.maxRssMb)} MB (bound ${Math.round(3 * rgbaMb + 200)} MB)`);
    const m = await sharp(output).metadata();
    expect([m.width, m.height]).toEqual([side, side]);
  }, 300_000);
});
