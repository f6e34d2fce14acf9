/* linux.resources.unified: raw "<file>": "<value>" writes into the cgroup2
 * directory (pure v2, or the unified mount of a hybrid host). The parser
 * already refused names with '/' or a leading '.'. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cgroup/internal.h"

#define K "linux.resources.unified"

/* "memory" for "memory.max"; "" if the name has no dot. */
static void key_controller(const char *key, char *out, size_t size) {
  size_t n = strcspn(key, ".");
  if (!key[n] || n >= size)
    n = 0;
  memcpy(out, key, n);
  out[n] = '\0';
}

int husk_cg_unified_check(const husk_cg_mounts_t *m, const husk_resources_t *r,
                          husk_error_t **err) {
  if (!r->unified.len)
    return 0;
  if (m->unified < 0)
    return husk_error_set(err, 0,
                          K ": needs cgroup v2, but this host has "
                            "only cgroup v1");
  const husk_cg_hier_t *u = &m->hier[m->unified];
  for (size_t i = 0; i < r->unified.len; i++) {
    const char *key = r->unified.items[i].key;
    char name[64];
    key_controller(key, name, sizeof name);
    if (!*name || !strcmp(name, "cgroup") || husk_cg_hier_has(u, name))
      continue;
    bool in_v1 = husk_cg_mounts_find(m, name, NULL) >= 0;
    return husk_error_set(err, 0,
                          K "[\"%s\"]: the %s controller is not available in "
                            "the cgroup v2 hierarchy%s",
                          key, name,
                          in_v1 ? " (it is bound to cgroup v1)" : "");
  }
  return 0;
}

int husk_cg_unified_apply(const husk_cgroup_t *cg, const husk_resources_t *r,
                          husk_error_t **err) {
  if (!r->unified.len)
    return 0;
  if (cg->unified < 0)
    return husk_error_set(err, ENOENT, K ": no cgroup v2 directory for %s",
                          cg->path);
  const husk_cg_dir_t *d = &cg->dirs[cg->unified];
  for (size_t i = 0; i < r->unified.len; i++) {
    const husk_kv_t *kv = &r->unified.items[i];
    char key[320];
    snprintf(key, sizeof key, K "[\"%s\"]", kv->key);
    if (husk_cg_write(d, key, kv->key, err, "%s", kv->value) < 0)
      return -1;
  }
  return 0;
}
