{
  "targets": [
    {
      "target_name": "malloc_tuning",
      "sources": ["native/malloc-tuning.c"],
      "cflags": ["-O2"]
    }
  ]
}
