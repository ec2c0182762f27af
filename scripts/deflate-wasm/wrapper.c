/*
 * tilepipe's WebAssembly deflate: libdeflate's compressor (built by build.sh,
 * patched so that no block is final and every stream ends with an empty
 * stored block, i.e. a zlib sync flush) behind three exports. Streams made
 * this way concatenate into one deflate stream; the PNG encoder ends the last
 * one with an empty final block (bytes 03 00).
 *
 * Memory: one bump heap. The compressors (one per level, made on first use)
 * are allocated from it and never freed; `tp_buffers` then reserves the input
 * and output of one call after them, growing the memory as needed.
 */
#include <stddef.h>
#include <stdint.h>
#include "libdeflate.h"

extern unsigned char __heap_base;
static uintptr_t heap_top = 0;

static void *bump_malloc(size_t size) {
  if (heap_top == 0) heap_top = (uintptr_t)&__heap_base;
  uintptr_t at = (heap_top + 15) & ~(uintptr_t)15;
  uintptr_t end = at + size;
  size_t have = __builtin_wasm_memory_size(0) * 65536;
  if (end > have && __builtin_wasm_memory_grow(0, (end - have + 65535) / 65536) == (size_t)-1) return NULL;
  heap_top = end;
  return (void *)at;
}
static void bump_free(void *ptr) { (void)ptr; }

static struct libdeflate_compressor *compressors[13];

/* Makes sure the compressor of `level` exists (so it is allocated below any buffers); 0 if it cannot. */
__attribute__((export_name("tp_prepare"))) int tp_prepare(int level) {
  if (level < 1 || level > 12) return 0;
  if (!compressors[level]) {
    libdeflate_set_memory_allocator(bump_malloc, bump_free);
    compressors[level] = libdeflate_alloc_compressor(level);
  }
  return compressors[level] != 0;
}

/* Reserves `in_bytes` then room for the worst-case output after the heap's top, growing memory; returns the input's offset (the output follows, 16-aligned), or 0. */
__attribute__((export_name("tp_buffers"))) uintptr_t tp_buffers(int level, size_t in_bytes) {
  if (!tp_prepare(level)) return 0;
  uintptr_t saved = heap_top;
  size_t bound = libdeflate_deflate_compress_bound(compressors[level], in_bytes) + 16;
  void *in = bump_malloc(in_bytes);
  void *out = in ? bump_malloc(bound) : NULL;
  heap_top = saved; /* the buffers are scratch: the next call reuses them */
  return out ? (uintptr_t)in : 0;
}

/* Deflates `in_bytes` at `in` into `out` (see tp_buffers); returns the output size, or 0 if it did not fit. */
__attribute__((export_name("tp_deflate"))) size_t tp_deflate(int level, const void *in, size_t in_bytes, void *out, size_t out_cap) {
  if (!tp_prepare(level)) return 0;
  size_t n = libdeflate_deflate_compress(compressors[level], in, in_bytes, out, out_cap);
  unsigned char *o = out;
  /* Very short inputs take libdeflate's stored-only path, which ends byte-aligned but
     without the empty stored block: add it, so that every stream ends alike. */
  if (n > 0 && !(n >= 4 && o[n - 4] == 0 && o[n - 3] == 0 && o[n - 2] == 0xff && o[n - 1] == 0xff)) {
    if (out_cap - n < 5) return 0;
    o[n] = 0; o[n + 1] = 0; o[n + 2] = 0; o[n + 3] = 0xff; o[n + 4] = 0xff;
    n += 5;
  }
  return n;
}

/* The output buffer's offset for an input reserved by tp_buffers at `in`. */
__attribute__((export_name("tp_output"))) uintptr_t tp_output(uintptr_t in, size_t in_bytes) {
  return (in + in_bytes + 15) & ~(uintptr_t)15;
}

/* The worst-case output size for `in_bytes` at `level`. */
__attribute__((export_name("tp_bound"))) size_t tp_bound(int level, size_t in_bytes) {
  if (!tp_prepare(level)) return 0;
  return libdeflate_deflate_compress_bound(compressors[level], in_bytes) + 16;
}
