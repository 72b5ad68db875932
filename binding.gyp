{
  "targets": [
    {
      "target_name": "http1",
      "sources": ["native/http1.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"]
    }
  ]
}
