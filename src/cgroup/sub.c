/* exec --cgroup: the sub-cgroups of a container's cgroup that an exec'd
 * process joins instead of the container's own. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "util/cleanup.h"

typedef struct {
  const husk_cg_dir_t *base;
  char *rel;  /* below base; NULL = base itself */
  char *path; /* for messages */
  int fd;
} sub_dir_t;

struct husk_cgroup_sub {
  sub_dir_t *dirs; /* one per directory of the container's cgroup */
  size_t n;
  int unified; /* index of the cgroup2 one, -1 if none */
};

/* PATH of the flag as a path below the container's cgroup ("" = the
 * cgroup itself): leading slashes go, ".." and empty components are
 * refused so that it cannot name anything outside. */
static int check_rel(const char *flag, const char *path, char **out,
                     husk_error_t **err) {
  while (*path == '/')
    path++;
  _cleanup_free_ char *copy = strdup(path);
  if (!copy)
    return husk_error_errno(err, "--cgroup");
  size_t len = strlen(copy);
  while (len && copy[len - 1] == '/')
    copy[--len] = '\0';
  for (char *c = copy, *end; *c; c = end + (*end != '\0')) {
    end = strchrnul(c, '/');
    size_t n = (size_t)(end - c);
    if (n == 0 || (n == 2 && !strncmp(c, "..", 2)) || (n == 1 && c[0] == '.'))
      return husk_error_set(err, 0,
                            "--cgroup %s: the path must name a sub-cgroup "
                            "below the container's cgroup (no \"..\", \".\" "
                            "or empty components)",
                            flag);
  }
  *out = husk_steal_ptr(&copy);
  return 0;
}

static bool hier_named(const husk_cg_hier_t *h, bool hybrid, const char *c) {
  if (h->v2)
    return hybrid && !strcmp(c, "unified");
  if (h->name && (!strcmp(c, h->name) ||
                  (!strncmp(c, "name=", 5) && !strcmp(c + 5, h->name))))
    return true;
  return husk_cg_hier_has(h, c);
}

static int assign(husk_cgroup_sub_t *s, size_t i, const char *flag,
                  const char *rel, husk_error_t **err) {
  sub_dir_t *d = &s->dirs[i];
  if (d->rel)
    return strcmp(d->rel, rel)
               ? husk_error_set(err, 0,
                                "--cgroup %s: hierarchy %s is given two "
                                "different sub-cgroups",
                                flag, d->base->h->mountpoint)
               : 0;
  return (d->rel = strdup(rel)) ? 0 : husk_error_errno(err, "--cgroup");
}

/* One "CTRL[,CTRL]:PATH" flag. */
static int add_per_controller(husk_cgroup_sub_t *s, const husk_cgroup_t *cg,
                              const char *flag, const char *colon,
                              husk_error_t **err) {
  if (cg->mounts.layout == HUSK_CG_V2)
    return husk_error_set(err, 0,
                          "--cgroup %s: a controller prefix is for cgroup "
                          "v1 hierarchies; on this cgroup v2 host give only "
                          "the path",
                          flag);
  _cleanup_free_ char *rel = NULL;
  if (check_rel(flag, colon + 1, &rel, err) < 0)
    return -1;
  _cleanup_free_ char *ctrls = strndup(flag, (size_t)(colon - flag));
  if (!ctrls)
    return husk_error_errno(err, "--cgroup");
  bool hybrid = cg->mounts.layout == HUSK_CG_HYBRID;
  char *save = NULL;
  for (char *c = strtok_r(ctrls, ",", &save); c;
       c = strtok_r(NULL, ",", &save)) {
    bool found = false;
    for (size_t i = 0; i < cg->n_dirs; i++) {
      if (!hier_named(cg->dirs[i].h, hybrid, c))
        continue;
      found = true;
      if (assign(s, i, flag, rel, err) < 0)
        return -1;
    }
    if (!found)
      return husk_error_set(err, 0,
                            "--cgroup %s: controller \"%s\" is not one of "
                            "the container's cgroup hierarchies",
                            flag, c);
  }
  return 0;
}

static int parse_flags(husk_cgroup_sub_t *s, const husk_cgroup_t *cg,
                       char *const *flags, size_t n, husk_error_t **err) {
  for (size_t f = 0; f < n; f++) {
    const char *colon = strchr(flags[f], ':');
    if (colon == flags[f])
      return husk_error_set(err, 0,
                            "--cgroup %s: empty controller before "
                            "\":\"",
                            flags[f]);
    if (colon) {
      if (add_per_controller(s, cg, flags[f], colon, err) < 0)
        return -1;
      continue;
    }
    if (n > 1)
      return husk_error_set(err, 0,
                            "--cgroup %s: with several --cgroup flags, each "
                            "needs a CTRL: prefix",
                            flags[f]);
    _cleanup_free_ char *rel = NULL;
    if (check_rel(flags[f], flags[f], &rel, err) < 0)
      return -1;
    for (size_t i = 0; i < cg->n_dirs; i++)
      if (assign(s, i, flags[f], rel, err) < 0)
        return -1;
  }
  return 0;
}

/* Open each chosen sub-cgroup; it must exist already, as with runc. */
static int open_dirs(husk_cgroup_sub_t *s, husk_error_t **err) {
  for (size_t i = 0; i < s->n; i++) {
    sub_dir_t *d = &s->dirs[i];
    if (!d->rel || !*d->rel) {
      d->fd = fcntl(d->base->fd, F_DUPFD_CLOEXEC, 3);
      d->path = strdup(d->base->path);
    } else {
      if (asprintf(&d->path, "%s/%s", d->base->path, d->rel) < 0)
        d->path = NULL;
      d->fd = openat(d->base->fd, d->rel,
                     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (d->fd < 0 && d->path)
        return husk_error_errno(err, "--cgroup: sub-cgroup %s", d->path);
    }
    if (d->fd < 0 || !d->path)
      return husk_error_errno(err, "--cgroup");
  }
  return 0;
}

int husk_cgroup_sub_open(const husk_cgroup_t *cg, char *const *flags, size_t n,
                         husk_cgroup_sub_t **out, husk_error_t **err) {
  husk_cgroup_sub_t *s = calloc(1, sizeof *s);
  if (s)
    s->dirs = calloc(cg->n_dirs ? cg->n_dirs : 1, sizeof *s->dirs);
  if (!s || !s->dirs) {
    free(s);
    return husk_error_errno(err, "--cgroup");
  }
  s->n = cg->n_dirs;
  s->unified = cg->unified;
  for (size_t i = 0; i < s->n; i++) {
    s->dirs[i].base = &cg->dirs[i];
    s->dirs[i].fd = -1;
  }
  if (parse_flags(s, cg, flags, n, err) < 0 || open_dirs(s, err) < 0) {
    husk_cgroup_sub_free(s);
    return -1;
  }
  *out = s;
  return 0;
}

int husk_cgroup_sub_clone3_fd(const husk_cgroup_sub_t *s) {
  return s->unified >= 0 ? s->dirs[s->unified].fd : -1;
}

int husk_cgroup_sub_add_pid(const husk_cgroup_sub_t *s, pid_t pid,
                            bool in_clone3_cgroup, husk_error_t **err) {
  char value[16];
  snprintf(value, sizeof value, "%d", (int)pid);
  for (size_t i = 0; i < s->n; i++) {
    const sub_dir_t *d = &s->dirs[i];
    if (d->base->h->v2 && in_clone3_cgroup)
      continue;
    if (husk_cg_write_at(d->fd, d->path, NULL, "cgroup.procs", value, err) < 0)
      return husk_error_wrap(err, "--cgroup: add process %d to %s", (int)pid,
                             d->path);
  }
  return 0;
}

void husk_cgroup_sub_free(husk_cgroup_sub_t *s) {
  if (!s)
    return;
  for (size_t i = 0; i < s->n; i++) {
    if (s->dirs[i].fd >= 0)
      close(s->dirs[i].fd);
    free(s->dirs[i].rel);
    free(s->dirs[i].path);
  }
  free(s->dirs);
  free(s);
}
