/* linux.resources, driven by the controller table: each row says which
 * controller a resource needs (by v1 and v2 name), which JSON key asks
 * for it, what its version cannot do, and how to write it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/internal.h"

static const husk_cg_controller_t *const controllers[] = {
    &husk_cg_memory,  &husk_cg_cpu,      &husk_cg_cpuset,
    &husk_cg_pids,    &husk_cg_blkio,    &husk_cg_hugetlb,
    &husk_cg_net_cls, &husk_cg_net_prio, &husk_cg_rdma,
};
#define N_CONTROLLERS (sizeof controllers / sizeof *controllers)

const char *husk_cgroup_limit_key(const husk_resources_t *r) {
  for (size_t i = 0; i < N_CONTROLLERS; i++) {
    const char *key = controllers[i]->wanted(r);
    if (key)
      return key;
  }
  return r->unified.len ? "linux.resources.unified" : NULL;
}

static const char *display_name(const husk_cg_mounts_t *m,
                                const husk_cg_controller_t *c) {
  if (m->layout == HUSK_CG_V2)
    return c->v2 ? c->v2 : c->v1;
  return c->v1 ? c->v1 : c->v2;
}

int husk_cg_resources_check(const husk_cg_mounts_t *m,
                            const husk_resources_t *r, husk_error_t **err) {
  for (size_t i = 0; i < N_CONTROLLERS; i++) {
    const husk_cg_controller_t *c = controllers[i];
    const char *key = c->wanted(r);
    if (!key)
      continue;
    int h = husk_cg_mounts_find(m, c->v1, c->v2);
    if (h < 0) {
      if (m->layout == HUSK_CG_V2 && !c->v2)
        return husk_error_set(err, 0,
                              "%s: the %s controller does not exist on "
                              "cgroup v2",
                              key, c->v1);
      return husk_error_set(err, 0, "%s: the %s controller is not available",
                            key, display_name(m, c));
    }
    if (c->check && c->check(m->hier[h].v2, r, err) < 0)
      return -1;
  }
  return husk_cg_unified_check(m, r, err);
}

int husk_cg_resources_apply(const husk_cgroup_t *cg, const husk_resources_t *r,
                            bool update, husk_error_t **err) {
  for (size_t i = 0; i < N_CONTROLLERS; i++) {
    const husk_cg_controller_t *c = controllers[i];
    const char *key = c->wanted(r);
    if (!key)
      continue;
    const husk_cg_dir_t *d = husk_cg_dir_for(cg, c->v1, c->v2);
    if (!d)
      return husk_error_set(err, ENOENT, "%s: no %s cgroup for %s", key,
                            display_name(&cg->mounts, c), cg->path);
    if (c->apply(d, r, update, err) < 0)
      return -1;
  }
  return husk_cg_unified_apply(cg, r, err);
}

static int append_word(char **list, const char *word) {
  if (husk_cg_word_in(*list, word))
    return 0;
  size_t len = *list ? strlen(*list) : 0;
  char *v = realloc(*list, len + strlen(word) + 2);
  if (!v)
    return -1;
  if (len)
    v[len++] = ' ';
  strcpy(v + len, word);
  *list = v;
  return 0;
}

/* cgroup2 controllers the resources need: those the table resolves to the
 * cgroup2 hierarchy, plus the prefix of each unified key ("memory.max"). */
char *husk_cg_resources_v2_needs(const husk_cg_mounts_t *m,
                                 const husk_resources_t *r) {
  char *list = calloc(1, 1);
  if (!list || m->unified < 0)
    return list;
  const husk_cg_hier_t *u = &m->hier[m->unified];
  for (size_t i = 0; i < N_CONTROLLERS; i++) {
    const husk_cg_controller_t *c = controllers[i];
    if (c->wanted(r) && husk_cg_mounts_find(m, c->v1, c->v2) == m->unified &&
        append_word(&list, c->v2) < 0)
      goto oom;
  }
  for (size_t i = 0; i < r->unified.len; i++) {
    const char *k = r->unified.items[i].key;
    char name[64];
    size_t n = strcspn(k, ".");
    if (!k[n] || n >= sizeof name)
      continue;
    memcpy(name, k, n);
    name[n] = '\0';
    if (husk_cg_hier_has(u, name) && append_word(&list, name) < 0)
      goto oom;
  }
  return list;
oom:
  free(list);
  return NULL;
}
