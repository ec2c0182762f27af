/**
 * sharp, loaded with `require()`. sharp is a CommonJS package; imported
 * through Node's ESM loader, it and the ~70 files it requires (semver,
 * detect-libc, …) take about twice as long to load (Node 20.20, this
 * project's VM: `import('sharp')` 121–153 ms, `require('sharp')` 63–65 ms),
 * which every CLI run pays before its first image. Every module of tilepipe
 * takes sharp from here.
 *
 * glibc's allocator is tuned first (malloc-tuning.ts), before libvips
 * starts: a thread keeps the arena it was first given.
 */
import { createRequire } from 'node:module';
import type SharpModule from 'sharp';
import './malloc-at-load.js';

/** The sharp function and its namespace (`sharp.concurrency`, `sharp.cache`, …), as `import sharp from 'sharp'` gives them. */
const sharp = createRequire(import.meta.url)('sharp') as typeof SharpModule;
export default sharp;
