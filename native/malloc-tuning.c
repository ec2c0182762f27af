/*
 * tilepipe's one native helper: glibc's mallopt(), callable from Node.
 *
 * glibc reads its allocator settings from the environment when a process
 * starts; a library loaded later can only change them through mallopt().
 * src/io/malloc-tuning.ts decides what to set and when; this file only
 * passes the call through, and reads back malloc_info so that a test can see
 * it took. Built by scripts/build-native.mjs (node-gyp) on Linux with glibc;
 * where it cannot be built, tilepipe runs without it.
 */
#include <malloc.h>
#include <node_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* mallopt(param, value) -> boolean: whether glibc accepted it. */
static napi_value set_param(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t param = 0;
  int32_t value = 0;
  napi_value result;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 2 ||
      napi_get_value_int32(env, argv[0], &param) != napi_ok ||
      napi_get_value_int32(env, argv[1], &value) != napi_ok) {
    napi_throw_type_error(env, NULL, "mallopt(param, value) takes two 32-bit integers");
    return NULL;
  }
  napi_get_boolean(env, mallopt(param, value) == 1, &result);
  return result;
}

/*
 * stats() -> { arenas, mmapped }: the arenas glibc has made so far and the
 * blocks it holds as mappings of their own (from malloc_info), so that a test
 * can see the settings took.
 */
static napi_value stats(napi_env env, napi_callback_info info) {
  char *text = NULL;
  size_t size = 0;
  int32_t arenas = 0;
  int32_t mmapped = -1;
  static const char mmap_total[] = "<total type=\"mmap\" count=\"";
  const char *total = NULL;
  napi_value result, value;
  FILE *f = open_memstream(&text, &size);
  (void)info;
  if (f == NULL) {
    napi_throw_error(env, NULL, "open_memstream failed");
    return NULL;
  }
  malloc_info(0, f);
  fclose(f);
  for (const char *p = text; (p = strstr(p, "<heap nr=")) != NULL; p++) arenas++;
  /* The process-wide totals come last: the last mmap total counts the mapped blocks. */
  for (const char *p = strstr(text, mmap_total); p != NULL; p = strstr(p + 1, mmap_total)) total = p;
  if (total != NULL) mmapped = atoi(total + strlen(mmap_total));
  free(text);
  napi_create_object(env, &result);
  napi_create_int32(env, arenas, &value);
  napi_set_named_property(env, result, "arenas", value);
  napi_create_int32(env, mmapped, &value);
  napi_set_named_property(env, result, "mmapped", value);
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "mallopt", NAPI_AUTO_LENGTH, set_param, NULL, &fn);
  napi_set_named_property(env, exports, "mallopt", fn);
  napi_create_function(env, "stats", NAPI_AUTO_LENGTH, stats, NULL, &fn);
  napi_set_named_property(env, exports, "stats", fn);
  return exports;
}
