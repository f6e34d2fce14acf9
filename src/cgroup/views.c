/* How the host's hierarchies look from inside a cgroup namespace. */
#include <stdlib.h>
#include <string.h>

#include "cgroup/internal.h"

/* "cpu,cpuacct" or "name=systemd" (with any controllers it binds). */
static char *v1_options(const husk_cg_hier_t *h) {
  size_t len = h->name ? strlen(h->name) + 6 : 1;
  for (size_t i = 0; i < h->n_controllers; i++)
    len += strlen(h->controllers[i]) + 1;
  char *s = calloc(1, len + 1);
  if (!s)
    return NULL;
  if (h->name)
    strcat(strcat(s, "name="), h->name);
  for (size_t i = 0; i < h->n_controllers; i++) {
    if (*s)
      strcat(s, ",");
    strcat(s, h->controllers[i]);
  }
  return s;
}

int husk_cgroup_views(husk_cgroup_view_t **out, size_t *n, husk_error_t **err) {
  husk_cg_mounts_t m;
  if (husk_cg_mounts_detect(&m, err) < 0)
    return -1;
  husk_cgroup_view_t *v = calloc(m.n + 1, sizeof *v);
  size_t count = 0;
  for (size_t i = 0; v && i < m.n; i++) {
    const husk_cg_hier_t *h = &m.hier[i];
    const char *base = strrchr(h->mountpoint, '/');
    bool single = m.layout == HUSK_CG_V2;
    husk_cgroup_view_t *e = &v[count++];
    e->v2 = h->v2;
    e->dir = strdup(single ? "" : base ? base + 1 : h->mountpoint);
    e->options = h->v2 ? NULL : v1_options(h);
    if (!e->dir || (!h->v2 && !e->options)) {
      husk_cgroup_views_free(v, count);
      v = NULL;
    }
  }
  husk_cg_mounts_free(&m);
  if (!v)
    return husk_error_errno(err, "cgroup views");
  *out = v;
  *n = count;
  return 0;
}

void husk_cgroup_views_free(husk_cgroup_view_t *v, size_t n) {
  for (size_t i = 0; v && i < n; i++) {
    free(v[i].dir);
    free(v[i].options);
  }
  free(v);
}
