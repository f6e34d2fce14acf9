/* husk_spec_load: <bundle>/config.json, plus the checks that need the
 * bundle directory (root.path) and the ones `create` needs (process). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "husk/spec.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* Real configs are kilobytes (a full seccomp profile ~50 KiB); the cap only
 * keeps a wrong file from eating memory. */
#define CONFIG_MAX_SIZE (64u << 20)

/* root.path is relative to the bundle; store the canonical absolute path,
 * so later steps never depend on the working directory. */
static int resolve_root(const char *bundle, husk_spec_t *spec,
                        husk_error_t **err) {
  _cleanup_free_ char *joined = NULL;
  const char *path = spec->root.path;
  if (path[0] != '/') {
    if (asprintf(&joined, "%s/%s", bundle, path) < 0)
      return husk_error_errno(err, "config.json: root.path");
    path = joined;
  }
  char *real = realpath(path, NULL);
  if (!real)
    return husk_error_errno(err, "config.json: root.path: %s", path);
  struct stat st;
  int e = stat(real, &st) < 0 ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
  if (e) {
    free(real);
    return husk_error_set(err, e, "config.json: root.path: %s", path);
  }
  free(spec->root.path);
  spec->root.path = real;
  return 0;
}

int husk_spec_load(const char *bundle, husk_spec_t **out, husk_error_t **err) {
  if (!bundle || !bundle[0])
    bundle = ".";
  _cleanup_free_ char *file = NULL;
  _cleanup_free_ char *buf = NULL;
  size_t len = 0;
  if (asprintf(&file, "%s/config.json", bundle) < 0)
    return husk_error_errno(err, "config.json");
  if (husk_read_file_at(AT_FDCWD, file, CONFIG_MAX_SIZE, &buf, &len, err) < 0)
    return -1;
  husk_spec_t *spec = NULL;
  if (husk_spec_parse(buf, len, "config.json", &spec, err) < 0)
    return -1;
  if (!spec->has_process) {
    husk_spec_free(spec);
    return husk_error_set(err, 0,
                          "config.json: process: required to create a "
                          "container");
  }
  if (resolve_root(bundle, spec, err) < 0) {
    husk_spec_free(spec);
    return -1;
  }
  *out = spec;
  return 0;
}
