/**
 * Imported for its effect, first, by the library's entry (src/index.ts), the
 * queue's and the CLI's, and by io/sharp.ts for every other path: tunes
 * glibc's allocator (malloc-tuning.ts) before the modules after it load and
 * before libvips starts, since a thread keeps the arena it was first given.
 * Also the package's `tilepipe/malloc` entry, for `node --import
 * tilepipe/malloc app.js`: tuned before the program's own module graph loads.
 */
import { tuneMalloc } from './malloc-tuning.js';

tuneMalloc();
