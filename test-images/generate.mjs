#!/usr/bin/env node
// Deterministic generator for tilepipe's test fixtures.
//
//   node test-images/generate.mjs
//
// Writes a small, varied set of images next to this script (and into the
// nested/ and nested/deeper/ subfolders so directory walks can be tested).
// Uses only sharp and Node built-ins; every pseudo-random value comes from a
// seeded PRNG, so running it twice gives identical pixels. The encoders used
// here (libjpeg-turbo/mozjpeg, libpng, libwebp) are deterministic for a given
// sharp/libvips build, so the files are byte-identical too. The SVG text image
// also depends on the system fonts that fontconfig resolves "sans-serif" to.

import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const HERE = dirname(fileURLToPath(import.meta.url));
const MAX_BYTES = 150 * 1024;

// Keep libvips from picking up anything that could vary between runs.
sharp.cache(false);

// ---------------------------------------------------------------------------
// Seeded PRNG (mulberry32) and helpers

function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const clamp8 = (v) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));
const clamp16 = (v) => (v < 0 ? 0 : v > 65535 ? 65535 : Math.round(v));

/**
 * Photographic-like RGB raw buffer: diagonal colour gradient, a handful of
 * soft gaussian colour blobs (low frequency) and fine seeded noise.
 */
function photoRaw(width, height, seed, { noise = 6 } = {}) {
  const rnd = mulberry32(seed);
  const c0 = [rnd() * 255, rnd() * 255, rnd() * 255];
  const c1 = [rnd() * 255, rnd() * 255, rnd() * 255];
  const blobs = [];
  const nBlobs = 7;
  for (let i = 0; i < nBlobs; i++) {
    blobs.push({
      x: rnd() * width,
      y: rnd() * height,
      r: (0.12 + rnd() * 0.3) * Math.max(width, height),
      col: [rnd() * 2 - 1, rnd() * 2 - 1, rnd() * 2 - 1].map((v) => v * 110),
    });
  }
  const buf = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = (x / Math.max(1, width - 1) + y / Math.max(1, height - 1)) / 2;
      let r = c0[0] + (c1[0] - c0[0]) * t;
      let g = c0[1] + (c1[1] - c0[1]) * t;
      let b = c0[2] + (c1[2] - c0[2]) * t;
      for (const bl of blobs) {
        const dx = x - bl.x;
        const dy = y - bl.y;
        const w = Math.exp(-(dx * dx + dy * dy) / (2 * bl.r * bl.r * 0.25));
        r += bl.col[0] * w;
        g += bl.col[1] * w;
        b += bl.col[2] * w;
      }
      // gentle low-frequency ripple, like texture / lighting variation
      const ripple = 10 * Math.sin(x * 0.045 + y * 0.02) * Math.cos(y * 0.037);
      const n = (rnd() - 0.5) * 2 * noise;
      const i = (y * width + x) * 3;
      buf[i] = clamp8(r + ripple + n);
      buf[i + 1] = clamp8(g + ripple + (rnd() - 0.5) * 2 * noise);
      buf[i + 2] = clamp8(b + ripple + (rnd() - 0.5) * 2 * noise);
    }
  }
  return buf;
}

const rawInput = (buf, width, height, channels) => sharp(buf, { raw: { width, height, channels } });

// ---------------------------------------------------------------------------
// Fixtures. Each entry: [relative path, async () => Buffer]

const fixtures = [];
const add = (name, fn) => fixtures.push([name, fn]);

// 1. Photographic-like colour JPEG
add('photo-gradient-640x480.jpg', () =>
  rawInput(photoRaw(640, 480, 1001), 640, 480, 3)
    .jpeg({ quality: 85, chromaSubsampling: '4:2:0' })
    .toBuffer(),
);

// 2. Same kind, odd size, RGB PNG without alpha
add('photo-odd-size-333x217.png', () =>
  rawInput(photoRaw(333, 217, 2002, { noise: 4 }), 333, 217, 3)
    .png({ compressionLevel: 9, adaptiveFiltering: true })
    .toBuffer(),
);

// 3. Hard edges: checkerboard plus geometric shapes, no antialiasing
add('hard-edges-checker-256x256.png', () => {
  const w = 256;
  const h = 256;
  const buf = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      const checker = ((x >> 4) + (y >> 4)) & 1;
      let c = checker ? [255, 255, 255] : [0, 0, 0];
      // solid red rectangle
      if (x >= 24 && x < 104 && y >= 24 && y < 88) c = [230, 20, 20];
      // solid blue disc (hard edge, no antialiasing)
      const dx = x - 180;
      const dy = y - 76;
      if (dx * dx + dy * dy <= 48 * 48) c = [20, 60, 230];
      // green right triangle
      if (x >= 40 && y >= 150 && y < 230 && x - 40 <= y - 150) c = [20, 200, 40];
      // 1-pixel yellow lines
      if (x === 128 || y === 128) c = [255, 220, 0];
      // diagonal magenta line
      if (x === y + 40 && x > 140) c = [255, 0, 255];
      buf[i] = c[0];
      buf[i + 1] = c[1];
      buf[i + 2] = c[2];
    }
  }
  return rawInput(buf, w, h, 3).png({ compressionLevel: 9 }).toBuffer();
});

// 4. Text rendered from SVG
add('text-svg-400x120.png', () => {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="120" viewBox="0 0 400 120">
  <rect width="400" height="120" fill="#fdfdf8"/>
  <rect x="0.5" y="0.5" width="399" height="119" fill="none" stroke="#223" stroke-width="1"/>
  <text x="16" y="50" font-family="sans-serif" font-size="36" font-weight="bold" fill="#1a237e">tilepipe</text>
  <text x="16" y="82" font-family="sans-serif" font-size="18" fill="#333">The quick brown fox jumps over</text>
  <text x="16" y="106" font-family="serif" font-size="16" font-style="italic" fill="#b71c1c">the lazy dog 0123456789 !?&amp;%</text>
  <text x="384" y="50" font-family="monospace" font-size="14" text-anchor="end" fill="#2e7d32">AaBbCc</text>
</svg>`;
  return sharp(Buffer.from(svg), { density: 72 })
    .flatten({ background: '#fdfdf8' })
    .png({ compressionLevel: 9 })
    .toBuffer();
});

// 5. RGBA with real transparency: soft-edged circle on transparent background
//    plus a horizontal band with an alpha ramp 0..255.
add('rgba-soft-circle-300x200.png', () => {
  const w = 300;
  const h = 200;
  const buf = Buffer.alloc(w * h * 4); // all zero = fully transparent black
  const cx = 110;
  const cy = 90;
  const radius = 62;
  const feather = 14;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      const d = Math.hypot(x - cx, y - cy);
      let a = 0;
      if (d <= radius - feather) a = 255;
      else if (d < radius) a = (255 * (radius - d)) / feather;
      if (a > 0) {
        buf[i] = clamp8(240 - (x - cx));
        buf[i + 1] = clamp8(120 + (y - cy));
        buf[i + 2] = 40;
        buf[i + 3] = clamp8(a);
      }
      // partial-alpha gradient band on the right / bottom
      if (y >= 160 && y < 190) {
        buf[i] = 30;
        buf[i + 1] = 90;
        buf[i + 2] = 220;
        buf[i + 3] = clamp8((255 * x) / (w - 1));
      } else if (x >= 200 && x < 280 && y >= 20 && y < 140) {
        buf[i] = 40;
        buf[i + 1] = 200;
        buf[i + 2] = 120;
        buf[i + 3] = clamp8((255 * (y - 20)) / 119);
      }
    }
  }
  return rawInput(buf, w, h, 4).png({ compressionLevel: 9 }).toBuffer();
});

// 6. Greyscale single-channel PNG
add('greyscale-gradient-200x150.png', () => {
  const w = 200;
  const h = 150;
  const rnd = mulberry32(6006);
  const buf = Buffer.alloc(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = (255 * x) / (w - 1) * 0.8 + 40 * Math.sin(y / 12) + (rnd() - 0.5) * 16;
      buf[y * w + x] = clamp8(v);
    }
  }
  return rawInput(buf, w, h, 1).toColourspace('b-w').png({ compressionLevel: 9 }).toBuffer();
});

// 7. EXIF-rotated JPEG: stored 120x80 with Orientation=6 (display is 80x120).
//    Stored pixels: left half red, right half blue, green bar on the top 10 rows,
//    plus a white square near the stored top-left corner.
add('exif-orientation-6-120x80.jpg', () => {
  const w = 120;
  const h = 80;
  const buf = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      let c = x < w / 2 ? [255, 0, 0] : [0, 0, 255];
      if (y < 10) c = [0, 255, 0];
      if (x >= 8 && x < 24 && y >= 16 && y < 32) c = [255, 255, 255];
      buf[i] = c[0];
      buf[i + 1] = c[1];
      buf[i + 2] = c[2];
    }
  }
  return rawInput(buf, w, h, 3)
    .withMetadata({ orientation: 6 })
    .jpeg({ quality: 95 })
    .toBuffer();
});

// 8. 1x1 PNG (nested two levels deep)
add('nested/deeper/single-pixel-1x1.png', () =>
  rawInput(Buffer.from([200, 100, 50]), 1, 1, 3).png().toBuffer(),
);

// 9. 16-bit RGB PNG with genuine 16-bit values (low byte varies)
add('rgb16-gradient-64x48.png', () => {
  const w = 64;
  const h = 48;
  const rnd = mulberry32(9009);
  const px = new Uint16Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      px[i] = clamp16((65535 * x) / (w - 1));
      px[i + 1] = clamp16((65535 * y) / (h - 1));
      px[i + 2] = clamp16(32768 + (rnd() - 0.5) * 2000);
    }
  }
  return sharp(px, { raw: { width: w, height: h, channels: 3 } })
    .toColourspace('rgb16')
    .png({ compressionLevel: 9 })
    .toBuffer();
});

// 10. Palette (indexed) PNG, 16 colours
add('palette-16-colours-160x120.png', () =>
  rawInput(photoRaw(160, 120, 1010, { noise: 0 }), 160, 120, 3)
    .png({ palette: true, colours: 16, dither: 0, effort: 10 })
    .toBuffer(),
);

// 11. Lossy WebP, photographic-like (nested one level)
add('nested/photo-lossy-320x240.webp', () =>
  rawInput(photoRaw(320, 240, 1111), 320, 240, 3)
    .webp({ quality: 80, effort: 4 })
    .toBuffer(),
);

// 12. CMYK JPEG
add('cmyk-photo-200x150.jpg', () =>
  rawInput(photoRaw(200, 150, 1212, { noise: 3 }), 200, 150, 3)
    .toColourspace('cmyk')
    .jpeg({ quality: 85 })
    .toBuffer(),
);

// 13. ICC-tagged PNG with Display P3 profile
add('icc-display-p3-160x120.png', () =>
  rawInput(photoRaw(160, 120, 1313, { noise: 3 }), 160, 120, 3)
    .withIccProfile('p3')
    .png({ compressionLevel: 9 })
    .toBuffer(),
);

// 14. Small photographic JPEG with 4:4:4 chroma and progressive scan (nested)
add('nested/photo-progressive-444-96x64.jpg', () =>
  rawInput(photoRaw(96, 64, 1414), 96, 64, 3)
    .jpeg({ quality: 90, progressive: true, chromaSubsampling: '4:4:4' })
    .toBuffer(),
);

// ---------------------------------------------------------------------------

async function main() {
  let total = 0;
  for (const [name, make] of fixtures) {
    const out = join(HERE, name);
    await mkdir(dirname(out), { recursive: true });
    const data = await make();
    if (data.length >= MAX_BYTES) {
      throw new Error(`${name} is ${data.length} bytes, over the ${MAX_BYTES} byte limit`);
    }
    await writeFile(out, data);
    const meta = await sharp(data).metadata();
    const { size } = await stat(out);
    total += size;
    console.log(`${relative(HERE, out).split('\\').join('/')}  ${meta.width}x${meta.height}  ${size} bytes`);
  }
  console.log(`${fixtures.length} files, ${total} bytes total`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
