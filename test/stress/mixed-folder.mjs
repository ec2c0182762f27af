/**
 * A folder of mixed, partly broken image files, as a user's real folder is:
 * distinct crops of one photo-like image in every format tilepipe reads, in
 * nested folders, plus empty, truncated, mislabelled, unsupported and
 * non-image files. Used by the CLI stress script.
 *
 *   node test/stress/mixed-folder.mjs <dir> [count]
 *
 * Exports {@link makeMixedFolder}, which returns how many files should fail.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const FORMATS = ['jpeg', 'png', 'webp', 'gif', 'tiff'];
const EXT = { jpeg: 'jpg', png: 'png', webp: 'webp', gif: 'gif', tiff: 'tif' };

/** Photo-like RGB: gradient, blobs, seeded noise (deterministic). */
function photo(width, height) {
  const d = Buffer.alloc(width * height * 3);
  let s = 12345;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      s = (s * 1103515245 + 12345) >>> 0;
      const n = ((s >>> 16) & 31) - 16;
      const i = (y * width + x) * 3;
      d[i] = Math.max(0, Math.min(255, (x * 255) / width + n));
      d[i + 1] = Math.max(0, Math.min(255, 128 + 90 * Math.sin(x / 23) * Math.cos(y / 31) + n));
      d[i + 2] = Math.max(0, Math.min(255, (y * 255) / height + n));
    }
  }
  return sharp(d, { raw: { width, height, channels: 3 } });
}

/**
 * Writes `count` distinct good images plus 6 bad files into `dir`.
 * Returns `{ good, bad }`: how many inputs should succeed and fail.
 */
export async function makeMixedFolder(dir, count = 40) {
  const W = 900;
  const H = 700;
  const source = await photo(W, H).png().toBuffer();
  for (let i = 0; i < count; i++) {
    const fmt = FORMATS[i % FORMATS.length];
    const width = 160 + ((i * 37) % 400);
    const height = 120 + ((i * 53) % 300);
    const sub = path.join(dir, i % 3 === 0 ? '' : `set-${i % 3}`);
    mkdirSync(sub, { recursive: true });
    const img = sharp(source).extract({ left: (i * 13) % (W - width), top: (i * 7) % (H - height), width, height });
    if (i % 7 === 3) img.ensureAlpha(0.5);
    writeFileSync(path.join(sub, `photo-${String(i).padStart(3, '0')}.${EXT[fmt]}`), await img.toFormat(fmt).toBuffer());
  }
  const jpeg = readFileSync(path.join(dir, 'photo-000.jpg'));
  writeFileSync(path.join(dir, 'empty.jpg'), '');
  writeFileSync(path.join(dir, 'not-an-image.png'), 'this is text, not a PNG\n');
  writeFileSync(path.join(dir, 'truncated.jpg'), jpeg.subarray(0, jpeg.length >> 1));
  writeFileSync(path.join(dir, 'mislabelled.webp'), jpeg.subarray(0, 64));
  writeFileSync(path.join(dir, 'garbage.gif'), Buffer.from('GIF89a\u0001\u0000\u0001\u0000garbage'));
  writeFileSync(path.join(dir, 'scan.jp2'), Buffer.from([0, 0, 0, 12, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a]));
  writeFileSync(path.join(dir, 'README.txt'), 'not an image, not picked up\n');
  return { good: count, bad: 6 };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node test/stress/mixed-folder.mjs <dir> [count]');
    process.exit(2);
  }
  console.log(JSON.stringify(await makeMixedFolder(dir, Number(process.argv[3] ?? 40))));
}
