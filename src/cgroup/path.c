/* linux.cgroupsPath -> the container's cgroup path. Pure string math. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/internal.h"
#include "util/cleanup.h"

/* Relative paths go here, never below the caller's own cgroup: where husk
 * itself runs (a shell's session scope, a shim's cgroup) says nothing
 * about where containers belong, and v2 forbids processes in inner nodes. */
#define HUSK_CG_PARENT "/husk"

#define KEY "linux.cgroupsPath"

/* runc's systemd form "slice:prefix:name": no '/', exactly two ':'. */
static bool is_slice_form(const char *p) {
  if (strchr(p, '/'))
    return false;
  const char *a = strchr(p, ':');
  const char *b = a ? strchr(a + 1, ':') : NULL;
  return b && !strchr(b + 1, ':');
}

/* Append "/<comp>" for each component of s, dropping empty and "."
 * components; ".." is refused rather than resolved, so the result can
 * never leave the hierarchy whatever the prefix. */
static int append_components(char *buf, size_t *len, const char *s,
                             const char *orig, husk_error_t **err) {
  while (*s) {
    size_t n = strcspn(s, "/");
    if (n == 2 && !strncmp(s, "..", 2))
      return husk_error_set(err, 0, KEY ": %s: \"..\" is not allowed", orig);
    if (n && !(n == 1 && s[0] == '.')) {
      if (*len + 1 + n >= PATH_MAX)
        return husk_error_set(err, ENAMETOOLONG, KEY ": %s", orig);
      buf[(*len)++] = '/';
      memcpy(buf + *len, s, n);
      *len += n;
      buf[*len] = '\0';
    }
    s += n;
    if (*s == '/')
      s++;
  }
  return 0;
}

int husk_cg_resolve_path(const char *cgroups_path, const char *id, char **out,
                         husk_error_t **err) {
  char buf[PATH_MAX] = "";
  size_t len = 0;
  const char *p = cgroups_path && *cgroups_path ? cgroups_path : NULL;
  if (p && is_slice_form(p))
    return husk_error_set(err, 0,
                          KEY ": \"%s\" is a systemd slice path "
                              "(slice:prefix:name), but the systemd cgroup "
                              "driver is not available yet",
                          p);
  if (!p || p[0] != '/') {
    if (append_components(buf, &len, HUSK_CG_PARENT, HUSK_CG_PARENT, err) < 0)
      return -1;
  }
  if (p) {
    size_t base = len;
    if (append_components(buf, &len, p, p, err) < 0)
      return -1;
    if (base && len == base)
      return husk_error_set(err, 0, KEY ": \"%s\" names no cgroup below %s", p,
                            HUSK_CG_PARENT);
  } else {
    if (!id || !*id || strchr(id, '/') || !strcmp(id, ".") || !strcmp(id, ".."))
      return husk_error_set(err, EINVAL, "cgroup for container id \"%s\"",
                            id ? id : "");
    if (append_components(buf, &len, id, id, err) < 0)
      return -1;
  }
  if (len == 0)
    return husk_error_set(err, 0,
                          KEY ": \"%s\": the root cgroup cannot be "
                              "used for a container",
                          p);
  if (!(*out = strdup(buf)))
    return husk_error_errno(err, KEY);
  return 0;
}

char *husk_cg_host_dir(const husk_cg_hier_t *h, const char *path) {
  /* A hierarchy mounted from a sub-cgroup (a bind mount, or the mount
   * inside a cgroup namespace) shows that cgroup as its top: strip the
   * mount's root if the path is below it, else the path is taken as
   * relative to the mount (the cgroup namespace view). */
  const char *rest = path;
  size_t rl = strlen(h->root);
  if (rl > 1 && !strncmp(path, h->root, rl) &&
      (path[rl] == '/' || path[rl] == '\0'))
    rest = path + rl;
  char *dir = NULL;
  if (asprintf(&dir, "%s%s", h->mountpoint, rest) < 0)
    return NULL;
  return dir;
}
