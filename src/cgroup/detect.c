/* The host's cgroup layout and where each controller is mounted, from
 * mountinfo; pure text in, table out, so every layout can be unit-tested
 * on any host. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/internal.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* v1 controllers the kernel can print in a cgroup mount's options; any
 * other option (rw, xattr, release_agent=...) is not a controller. */
static const char *const v1_controllers[] = {
    "cpu",     "cpuacct",  "cpuset", "memory",     "devices", "freezer",
    "net_cls", "net_prio", "blkio",  "perf_event", "hugetlb", "pids",
    "rdma",    "misc",     "debug",  NULL};

static bool is_v1_controller(const char *s) {
  for (const char *const *c = v1_controllers; *c; c++)
    if (!strcmp(*c, s))
      return true;
  return false;
}

bool husk_cg_hier_has(const husk_cg_hier_t *h, const char *controller) {
  for (size_t i = 0; i < h->n_controllers; i++)
    if (!strcmp(h->controllers[i], controller))
      return true;
  return false;
}

static void hier_free(husk_cg_hier_t *h) {
  free(h->mountpoint);
  free(h->root);
  free(h->name);
  for (size_t i = 0; i < h->n_controllers; i++)
    free(h->controllers[i]);
  free(h->controllers);
  memset(h, 0, sizeof *h);
}

void husk_cg_mounts_free(husk_cg_mounts_t *m) {
  for (size_t i = 0; i < m->n; i++)
    hier_free(&m->hier[i]);
  free(m->hier);
  memset(m, 0, sizeof *m);
  m->unified = -1;
}

static int add_controller(husk_cg_hier_t *h, const char *name, size_t len) {
  char **v = realloc(h->controllers, (h->n_controllers + 1) * sizeof *v);
  if (!v)
    return -1;
  h->controllers = v;
  if (!(v[h->n_controllers] = strndup(name, len)))
    return -1;
  h->n_controllers++;
  return 0;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static char *unescape(const char *s) {
  char *out = malloc(strlen(s) + 1), *o = out;
  if (!out)
    return NULL;
  while (*s) {
    if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
        s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
      *o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
      s += 4;
    } else {
      *o++ = *s++;
    }
  }
  *o = '\0';
  return out;
}

/* One line's fields: root (4th), mount point (5th), and after the "-"
 * separator the fs type and the super options. Modifies line. */
typedef struct {
  char *root, *mountpoint, *fstype, *super_opts;
} mi_line_t;

static bool split_line(char *line, mi_line_t *l) {
  char *f[64];
  size_t n = 0;
  for (char *save = NULL, *t = strtok_r(line, " ", &save); t && n < 64;
       t = strtok_r(NULL, " ", &save))
    f[n++] = t;
  size_t dash = 6;
  while (dash < n && strcmp(f[dash], "-") != 0)
    dash++;
  if (n < 7 || dash + 1 >= n)
    return false;
  l->root = f[3];
  l->mountpoint = f[4];
  l->fstype = f[dash + 1];
  l->super_opts = dash + 3 < n ? f[dash + 3] : (char *)"";
  return true;
}

static int parse_v1_opts(husk_cg_hier_t *h, const char *opts) {
  for (const char *p = opts; *p;) {
    size_t len = strcspn(p, ",");
    if (len > 5 && !strncmp(p, "name=", 5)) {
      if (!(h->name = strndup(p + 5, len - 5)))
        return -1;
    } else {
      char tmp[32];
      if (len < sizeof tmp) {
        memcpy(tmp, p, len);
        tmp[len] = '\0';
        if (is_v1_controller(tmp) && add_controller(h, p, len) < 0)
          return -1;
      }
    }
    p += len;
    if (*p == ',')
      p++;
  }
  return 0;
}

static bool under_sys_fs_cgroup(const char *mp) {
  return !strncmp(mp, "/sys/fs/cgroup", 14) && (mp[14] == '/' || !mp[14]);
}

/* Same hierarchy: same version, same controllers, same name. */
static bool same_hier(const husk_cg_hier_t *a, const husk_cg_hier_t *b) {
  if (a->v2 != b->v2)
    return false;
  if (a->v2)
    return true;
  if ((a->name == NULL) != (b->name == NULL) ||
      (a->name && strcmp(a->name, b->name)) ||
      a->n_controllers != b->n_controllers)
    return false;
  for (size_t i = 0; i < a->n_controllers; i++)
    if (strcmp(a->controllers[i], b->controllers[i]))
      return false;
  return true;
}

/* Add h to m (taking it), or drop it as a duplicate of an earlier mount. */
static int add_hier(husk_cg_mounts_t *m, husk_cg_hier_t *h) {
  for (size_t i = 0; i < m->n; i++) {
    if (!same_hier(&m->hier[i], h))
      continue;
    if (!under_sys_fs_cgroup(m->hier[i].mountpoint) &&
        under_sys_fs_cgroup(h->mountpoint)) {
      hier_free(&m->hier[i]);
      m->hier[i] = *h;
    } else {
      hier_free(h);
    }
    memset(h, 0, sizeof *h);
    return 0;
  }
  husk_cg_hier_t *v = realloc(m->hier, (m->n + 1) * sizeof *v);
  if (!v)
    return -1;
  m->hier = v;
  v[m->n++] = *h;
  memset(h, 0, sizeof *h);
  return 0;
}

static int parse_line(husk_cg_mounts_t *m, char *line) {
  mi_line_t l;
  if (!split_line(line, &l))
    return 0;
  bool v2 = !strcmp(l.fstype, "cgroup2");
  if (!v2 && strcmp(l.fstype, "cgroup") != 0)
    return 0;
  husk_cg_hier_t h = {.v2 = v2};
  if (!(h.root = unescape(l.root)) || !(h.mountpoint = unescape(l.mountpoint)))
    goto oom;
  if (!v2 && parse_v1_opts(&h, l.super_opts) < 0)
    goto oom;
  if (add_hier(m, &h) < 0)
    goto oom;
  return 0;
oom:
  hier_free(&h);
  return -1;
}

static int set_v2_controllers(husk_cg_hier_t *h, const char *text) {
  for (const char *p = text; *p;) {
    p += strspn(p, " \t\n");
    size_t len = strcspn(p, " \t\n");
    if (len && add_controller(h, p, len) < 0)
      return -1;
    p += len;
  }
  return 0;
}

static void set_layout(husk_cg_mounts_t *m) {
  bool v1_bound = false;
  m->unified = -1;
  for (size_t i = 0; i < m->n; i++) {
    if (m->hier[i].v2)
      m->unified = (int)i;
    else
      v1_bound |= m->hier[i].n_controllers > 0;
  }
  /* A named v1 hierarchy beside cgroup2 (some hosts keep name=systemd for
   * old containers) does not make the host hybrid. */
  if (m->unified < 0)
    m->layout = HUSK_CG_V1;
  else
    m->layout = v1_bound ? HUSK_CG_HYBRID : HUSK_CG_V2;
}

int husk_cg_parse_mountinfo(const char *mountinfo, const char *v2_controllers,
                            husk_cg_mounts_t *out, husk_error_t **err) {
  husk_cg_mounts_t m = {.unified = -1};
  _cleanup_free_ char *copy = strdup(mountinfo);
  if (!copy)
    return husk_error_errno(err, "parse mountinfo");
  for (char *save = NULL, *line = strtok_r(copy, "\n", &save); line;
       line = strtok_r(NULL, "\n", &save))
    if (parse_line(&m, line) < 0) {
      husk_cg_mounts_free(&m);
      return husk_error_set(err, ENOMEM, "parse mountinfo");
    }
  set_layout(&m);
  if (m.n == 0) {
    husk_cg_mounts_free(&m);
    return husk_error_set(err, ENOENT, "no cgroup filesystem is mounted");
  }
  if (m.unified >= 0 && v2_controllers &&
      set_v2_controllers(&m.hier[m.unified], v2_controllers) < 0) {
    husk_cg_mounts_free(&m);
    return husk_error_set(err, ENOMEM, "parse mountinfo");
  }
  *out = m;
  return 0;
}

int husk_cg_mounts_detect(husk_cg_mounts_t *out, husk_error_t **err) {
  _cleanup_free_ char *text = NULL;
  size_t len;
  if (husk_read_file_at(AT_FDCWD, "/proc/self/mountinfo", 64 << 20, &text, &len,
                        err) < 0)
    return -1;
  if (husk_cg_parse_mountinfo(text, NULL, out, err) < 0)
    return -1;
  if (out->unified < 0)
    return 0;
  husk_cg_hier_t *h = &out->hier[out->unified];
  _cleanup_free_ char *path = NULL, *ctl = NULL;
  if (asprintf(&path, "%s/cgroup.controllers", h->mountpoint) < 0) {
    husk_cg_mounts_free(out);
    return husk_error_set(err, ENOMEM, "detect cgroups");
  }
  int rc = husk_read_file_at(AT_FDCWD, path, 1 << 16, &ctl, &len, err);
  if (rc == 0 && set_v2_controllers(h, ctl) < 0)
    rc = husk_error_set(err, ENOMEM, "detect cgroups");
  if (rc < 0)
    husk_cg_mounts_free(out);
  return rc;
}

int husk_cg_mounts_find(const husk_cg_mounts_t *m, const char *v1_name,
                        const char *v2_name) {
  for (size_t i = 0; v1_name && i < m->n; i++)
    if (!m->hier[i].v2 && husk_cg_hier_has(&m->hier[i], v1_name))
      return (int)i;
  if (v2_name && m->unified >= 0 &&
      husk_cg_hier_has(&m->hier[m->unified], v2_name))
    return m->unified;
  return -1;
}

int husk_cgroup_detect(husk_cg_layout_t *layout, husk_error_t **err) {
  husk_cg_mounts_t m;
  if (husk_cg_mounts_detect(&m, err) < 0)
    return -1;
  *layout = m.layout;
  husk_cg_mounts_free(&m);
  return 0;
}
