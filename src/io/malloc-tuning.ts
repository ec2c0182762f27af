/**
 * glibc's allocator, tuned for tilepipe's threads. By default glibc gives
 * every thread that allocates an arena of its own (up to 8 per core) and
 * hands freed blocks of a few MB back to the kernel; with libvips threads,
 * libuv threads and tile workers each freeing what another allocated, a
 * batch keeps touching fresh pages (a page fault each, 11-12 µs here).
 * Measured on the photos chain: about 40 % fewer page faults and 15-20 % less
 * CPU (docs/performance.md, "The allocator").
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { packageFile } from '../model/package-files.js';

/** glibc's mallopt parameter numbers (malloc.h). */
const M_TRIM_THRESHOLD = -1;
const M_MMAP_THRESHOLD = -3;
const M_ARENA_MAX = -8;

/** The settings tilepipe gives glibc's allocator, as mallopt parameters. */
export const TUNED_MALLOC = {
  /** Two arenas: threads share freed memory instead of each keeping its own. */
  arenaMax: 2,
  /** Blocks under 32 MB (tile buffers, encoder buffers, a 6 MP raster) come from the arenas, not fresh mappings. */
  mmapThresholdBytes: 32 << 20,
  /** Up to 64 MB free at an arena's top is kept for the next image. */
  trimThresholdBytes: 64 << 20,
} as const;

/** Whether tilepipe tuned the allocator, and if not, why. */
export interface MallocTuning {
  readonly tuned: boolean;
  /** Why not: `not glibc`, `set by the environment`, `helper not built` or not loaded, or glibc's refusal. */
  readonly reason?: string;
}

/** Environment variables with which a user chooses glibc's allocator settings; any of them leaves the allocator alone. */
const USER_SETTINGS = ['MALLOC_ARENA_MAX', 'MALLOC_ARENA_TEST', 'MALLOC_MMAP_THRESHOLD_', 'MALLOC_TRIM_THRESHOLD_', 'MALLOC_TOP_PAD_', 'MALLOC_MMAP_MAX_'];

let applied: MallocTuning | undefined;

/**
 * Applies {@link TUNED_MALLOC} to this process once. tilepipe calls it first
 * thing when it is imported (io/malloc-at-load.ts), since a thread keeps the
 * arena it was first given. A setting the user made
 * in the environment (`MALLOC_ARENA_MAX`, `GLIBC_TUNABLES=glibc.malloc.…`)
 * is kept: then nothing is changed. Process-wide and never undone, like
 * sharp's own `concurrency()`. Off Linux/glibc, or where the native helper
 * could not be built at install, it does nothing.
 */
export function tuneMalloc(): MallocTuning {
  applied ??= apply();
  return applied;
}

/** {@link TUNED_MALLOC} in words, as glibc names its parameters. */
export function describeTunedMalloc(): string {
  const t = TUNED_MALLOC;
  return `arena_max ${t.arenaMax}, mmap_threshold ${t.mmapThresholdBytes >> 20} MB, trim_threshold ${t.trimThresholdBytes >> 20} MB`;
}

function apply(): MallocTuning {
  const env = process.env;
  if (process.platform !== 'linux') return { tuned: false, reason: 'not glibc' };
  if (USER_SETTINGS.some((k) => env[k] !== undefined) || /glibc\.malloc\./.test(env.GLIBC_TUNABLES ?? '')) {
    return { tuned: false, reason: 'set by the environment' };
  }
  // The build script builds the helper only against glibc; a copy that cannot load (musl) is as good as none.
  const file = packageFile('mallocTuning');
  let helper: { mallopt(param: number, value: number): boolean };
  try {
    if (!existsSync(file)) return { tuned: false, reason: 'helper not built' };
    helper = createRequire(import.meta.url)(file) as typeof helper;
  } catch (err) {
    return { tuned: false, reason: `helper not loaded: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` };
  }
  const t = TUNED_MALLOC;
  const refused = ([[M_ARENA_MAX, t.arenaMax], [M_MMAP_THRESHOLD, t.mmapThresholdBytes], [M_TRIM_THRESHOLD, t.trimThresholdBytes]] as const)
    .filter(([param, value]) => !helper.mallopt(param, value));
  return refused.length ? { tuned: false, reason: `glibc refused mallopt(${refused.map(([p]) => p).join(', ')})` } : { tuned: true };
}
