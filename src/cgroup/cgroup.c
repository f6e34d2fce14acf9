/* The cgroup object: which hierarchies get a directory, creating them
 * (with rollback), reopening them from a stored path, moving processes in,
 * updating, and removing them. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "util/cleanup.h"
#include "util/log.h"

#define DESTROY_TIMEOUT_MS 10000

/* v1: every hierarchy; hybrid: those and cgroup2 (so the processes are
 * tracked there too, as runc does); v2: cgroup2 alone. */
static bool joined(const husk_cg_mounts_t *m, const husk_cg_hier_t *h) {
  return h->v2 ? m->layout != HUSK_CG_V1 : m->layout != HUSK_CG_V2;
}

static void dir_close(husk_cg_dir_t *d) {
  if (d->fd >= 0)
    close(d->fd);
  free(d->path);
  free(d->top);
  memset(d, 0, sizeof *d);
  d->fd = -1;
}

void husk_cgroup_free(husk_cgroup_t *cg) {
  if (!cg)
    return;
  for (size_t i = 0; i < cg->n_dirs; i++)
    dir_close(&cg->dirs[i]);
  free(cg->dirs);
  free(cg->path);
  husk_cg_mounts_free(&cg->mounts);
  free(cg);
}

const char *husk_cgroup_path(const husk_cgroup_t *cg) {
  return cg->path;
}

int husk_cgroup_clone3_fd(const husk_cgroup_t *cg) {
  return cg->unified >= 0 ? cg->dirs[cg->unified].fd : -1;
}

const husk_cg_dir_t *husk_cg_dir_for(const husk_cgroup_t *cg,
                                     const char *v1_name, const char *v2_name) {
  int h = husk_cg_mounts_find(&cg->mounts, v1_name, v2_name);
  for (size_t i = 0; h >= 0 && i < cg->n_dirs; i++)
    if (cg->dirs[i].h == &cg->mounts.hier[h])
      return &cg->dirs[i];
  return NULL;
}

const husk_cg_dir_t *husk_cg_main_dir(const husk_cgroup_t *cg) {
  if (cg->mounts.layout == HUSK_CG_V2)
    return cg->unified >= 0 ? &cg->dirs[cg->unified] : NULL;
  const husk_cg_dir_t *d = husk_cg_dir_for(cg, "freezer", NULL);
  if (d)
    return d;
  for (size_t i = 0; i < cg->n_dirs; i++)
    if (!cg->dirs[i].h->v2)
      return &cg->dirs[i];
  return cg->unified >= 0 ? &cg->dirs[cg->unified] : NULL;
}

static husk_cgroup_t *cg_new(void) {
  husk_cgroup_t *cg = calloc(1, sizeof *cg);
  if (cg)
    cg->unified = -1;
  return cg;
}

static int add_dir(husk_cgroup_t *cg, const husk_cg_hier_t *h, int fd,
                   char *path, char *top) {
  husk_cg_dir_t *v = realloc(cg->dirs, (cg->n_dirs + 1) * sizeof *v);
  if (!v)
    return -1;
  cg->dirs = v;
  if (h->v2)
    cg->unified = (int)cg->n_dirs;
  v[cg->n_dirs++] = (husk_cg_dir_t){.h = h, .path = path, .fd = fd, .top = top};
  return 0;
}

/* rmdir path and its parents up to and including top. Modifies path. */
static void rmdir_up_to(char *path, const char *top) {
  size_t top_len = strlen(top);
  while (strlen(path) >= top_len) {
    if (rmdir(path) < 0 && errno != ENOENT)
      return;
    char *slash = strrchr(path, '/');
    if (!slash)
      return;
    *slash = '\0';
  }
}

/* mkdir -p of cg->path in hierarchy h, one component at a time through
 * directory fds; records the first directory made, for rollback. */
static int make_dir(husk_cgroup_t *cg, const husk_cg_hier_t *h,
                    husk_error_t **err) {
  _cleanup_free_ char *path = husk_cg_host_dir(h, cg->path);
  _cleanup_free_ char *sofar = strdup(path ? path : "");
  _cleanup_free_ char *rel = strdup(path ? path + strlen(h->mountpoint) : "");
  _cleanup_free_ char *top = NULL;
  if (!path || !sofar || !rel)
    return husk_error_errno(err, "cgroup %s", cg->path);
  size_t len = strlen(h->mountpoint);
  sofar[len] = '\0';
  _cleanup_close_ int fd =
      open(h->mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return husk_error_errno(err, "open %s", h->mountpoint);
  char *save = NULL;
  for (char *c = strtok_r(rel, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
    len += (size_t)sprintf(sofar + len, "/%s", c);
    if (mkdirat(fd, c, 0755) == 0) {
      if (!top && !(top = strdup(sofar))) {
        rmdir(sofar);
        return husk_error_errno(err, "mkdir %s", sofar);
      }
    } else if (errno != EEXIST) {
      int e = errno;
      husk_error_set(err, e, "mkdir %s", sofar);
      goto fail;
    }
    int child = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (child < 0) {
      husk_error_errno(err, "open %s", sofar);
      goto fail;
    }
    int parent = husk_steal_fd(&fd);
    fd = child;
    int rc = h->v2 ? 0 : husk_cg_v1_prepare(h, child, parent, sofar, err);
    close(parent);
    if (rc < 0)
      goto fail;
  }
  if (add_dir(cg, h, fd, path, top) < 0) {
    husk_error_errno(err, "cgroup %s", cg->path);
    goto fail;
  }
  fd = -1;
  path = top = NULL;
  return 0;
fail:
  /* What this call made is not in cg yet: undo it here. */
  if (top)
    rmdir_up_to(sofar, top);
  return -1;
}

/* A concurrent create that failed may rmdir a shared parent (/husk) just
 * as we walk through it: our mkdir then sees ENOENT; walk again. */
static int make_dir_retry(husk_cgroup_t *cg, const husk_cg_hier_t *h,
                          husk_error_t **err) {
  for (int attempt = 0;; attempt++) {
    husk_error_t *e = NULL;
    if (make_dir(cg, h, &e) == 0)
      return 0;
    if (attempt == 2 || e->errno_value != ENOENT) {
      if (err && !*err)
        *err = e;
      else
        husk_error_free(e);
      return -1;
    }
    husk_error_free(e);
  }
}

/* Remove the directories create made, leaf first, up to the first one
 * it created (a shared parent such as /husk may be in use again by then:
 * failing to remove it is fine). */
static void rollback(husk_cgroup_t *cg) {
  for (size_t i = 0; i < cg->n_dirs; i++)
    if (cg->dirs[i].top)
      rmdir_up_to(cg->dirs[i].path, cg->dirs[i].top);
}

/* An existing cgroup may be reused only while it holds no process. */
static int check_empty(const husk_cgroup_t *cg, husk_error_t **err) {
  const husk_cg_dir_t *d = husk_cg_main_dir(cg);
  if (!d || d->top)
    return 0;
  _cleanup_free_ char *procs = NULL;
  if (husk_cg_read(d, "cgroup.procs", &procs, err) < 0)
    return -1;
  if (procs[strspn(procs, " \n")])
    return husk_error_set(err, 0,
                          "linux.cgroupsPath: the cgroup %s already "
                          "has processes",
                          cg->path);
  return 0;
}

static int setup_devices(const husk_cgroup_t *cg, const husk_spec_t *spec,
                         husk_error_t **err) {
  /* Unprivileged (a delegated cgroup), rules cannot be installed, and the
   * container can only reach the nodes the user may open anyway: skipped,
   * as runc does. */
  if (geteuid() != 0) {
    husk_debug("unprivileged: device rules not installed");
    return 0;
  }
  husk_cg_dev_rule_t *rules = NULL;
  size_t n;
  bool def;
  if (husk_cg_device_rules(spec, &rules, &n, &def, err) < 0)
    return -1;
  int rc = 0;
  const husk_cg_dir_t *d = husk_cg_dir_for(cg, "devices", NULL);
  if (d)
    rc = husk_cg_devices_v1_apply(d, rules, n, def, err);
  else if (cg->unified >= 0)
    rc = husk_cg_devices_bpf_attach(cg->dirs[cg->unified].fd, rules, n, def,
                                    err);
  else if (spec->linux_.resources.n_devices)
    rc = husk_error_set(err, 0,
                        "linux.resources.devices: the devices "
                        "controller is not available");
  else
    husk_debug("no devices controller: device rules not installed");
  free(rules);
  return rc;
}

/* cgroup2 controllers to enable above the container: on pure v2 all of
 * them (a later `update` or `events --stats` needs them too), on a hybrid
 * host only those the spec uses in the cgroup2 tree. */
static int enable_v2(const husk_cgroup_t *cg, const husk_resources_t *r,
                     husk_error_t **err) {
  if (cg->unified < 0)
    return 0;
  _cleanup_free_ char *needs = husk_cg_resources_v2_needs(&cg->mounts, r);
  if (!needs)
    return husk_error_errno(err, "cgroup %s", cg->path);
  _cleanup_free_ char *all = NULL;
  const char *want = needs;
  if (cg->mounts.layout == HUSK_CG_V2) {
    const husk_cg_hier_t *u = cg->dirs[cg->unified].h;
    size_t len = 1;
    for (size_t i = 0; i < u->n_controllers; i++)
      len += strlen(u->controllers[i]) + 1;
    if (!(all = calloc(1, len)))
      return husk_error_errno(err, "cgroup %s", cg->path);
    for (size_t i = 0; i < u->n_controllers; i++)
      strcat(strcat(all, i ? " " : ""), u->controllers[i]);
    want = all;
  }
  if (!*want)
    return 0;
  return husk_cg_v2_enable(&cg->dirs[cg->unified], want, needs, err);
}

int husk_cg_create_on(husk_cg_mounts_t *m, const husk_spec_t *spec,
                      const char *id, husk_cgroup_t **out, husk_error_t **err) {
  const husk_resources_t *r = &spec->linux_.resources;
  husk_cgroup_t *cg = cg_new();
  if (!cg) {
    husk_cg_mounts_free(m);
    return husk_error_errno(err, "cgroup");
  }
  cg->mounts = *m;
  memset(m, 0, sizeof *m);
  if (husk_cg_resolve_path(spec->linux_.cgroups_path, id, &cg->path, err) < 0 ||
      husk_cg_resources_check(&cg->mounts, r, err) < 0) {
    husk_cgroup_free(cg);
    return -1;
  }
  /* Every check is done: from here on, failures undo what was made. */
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < cg->mounts.n; i++)
    if (joined(&cg->mounts, &cg->mounts.hier[i]))
      rc = make_dir_retry(cg, &cg->mounts.hier[i], err);
  if (rc == 0 && cg->n_dirs == 0)
    rc =
        husk_error_set(err, ENOENT, "cgroup %s: no hierarchy to use", cg->path);
  if (rc < 0 || check_empty(cg, err) < 0 || enable_v2(cg, r, err) < 0 ||
      setup_devices(cg, spec, err) < 0 ||
      husk_cg_resources_apply(cg, r, false, err) < 0) {
    rollback(cg);
    husk_cgroup_free(cg);
    return -1;
  }
  *out = cg;
  return 0;
}

int husk_cgroup_create(const husk_spec_t *spec, const char *id,
                       husk_cgroup_t **out, husk_error_t **err) {
  husk_cg_mounts_t m;
  /* Refuse a bad cgroupsPath before looking at the host. */
  _cleanup_free_ char *path = NULL;
  if (husk_cg_resolve_path(spec->linux_.cgroups_path, id, &path, err) < 0 ||
      husk_cg_mounts_detect(&m, err) < 0)
    return -1;
  return husk_cg_create_on(&m, spec, id, out, err);
}

int husk_cg_load_on(husk_cg_mounts_t *m, const char *path, husk_cgroup_t **out,
                    husk_error_t **err) {
  husk_cgroup_t *cg = cg_new();
  if (!cg) {
    husk_cg_mounts_free(m);
    return husk_error_errno(err, "cgroup");
  }
  cg->mounts = *m;
  memset(m, 0, sizeof *m);
  if (!path || path[0] != '/') {
    husk_error_set(err, EINVAL, "cgroup path \"%s\" is not absolute",
                   path ? path : "");
    goto fail;
  }
  if (husk_cg_resolve_path(path, NULL, &cg->path, err) < 0)
    goto fail;
  for (size_t i = 0; i < cg->mounts.n; i++) {
    const husk_cg_hier_t *h = &cg->mounts.hier[i];
    if (!joined(&cg->mounts, h))
      continue;
    char *dir = husk_cg_host_dir(h, cg->path);
    if (!dir) {
      husk_error_errno(err, "cgroup %s", path);
      goto fail;
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
      free(dir);
      continue;
    }
    if (fd < 0 || add_dir(cg, h, fd, dir, NULL) < 0) {
      husk_error_errno(err, "open %s", dir);
      if (fd >= 0)
        close(fd);
      free(dir);
      goto fail;
    }
  }
  *out = cg;
  return 0;
fail:
  husk_cgroup_free(cg);
  return -1;
}

int husk_cgroup_load(const char *path, husk_cgroup_t **out,
                     husk_error_t **err) {
  husk_cg_mounts_t m;
  if (husk_cg_mounts_detect(&m, err) < 0)
    return -1;
  return husk_cg_load_on(&m, path, out, err);
}

int husk_cgroup_add_pid(const husk_cgroup_t *cg, pid_t pid,
                        bool in_clone3_cgroup, husk_error_t **err) {
  for (size_t i = 0; i < cg->n_dirs; i++) {
    const husk_cg_dir_t *d = &cg->dirs[i];
    if (d->h->v2 && in_clone3_cgroup)
      continue;
    if (husk_cg_write(d, NULL, "cgroup.procs", err, "%d", (int)pid) < 0)
      return husk_error_wrap(err, "add process %d to cgroup %s", (int)pid,
                             cg->path);
  }
  return 0;
}

int husk_cgroup_update(const husk_cgroup_t *cg, const husk_resources_t *r,
                       husk_error_t **err) {
  if (husk_cg_resources_check(&cg->mounts, r, err) < 0)
    return -1;
  /* A hybrid host enables cgroup2 controllers only on demand. */
  if (cg->unified >= 0 && cg->mounts.layout == HUSK_CG_HYBRID) {
    _cleanup_free_ char *needs = husk_cg_resources_v2_needs(&cg->mounts, r);
    if (!needs)
      return husk_error_errno(err, "cgroup %s", cg->path);
    if (*needs &&
        husk_cg_v2_enable(&cg->dirs[cg->unified], needs, needs, err) < 0)
      return -1;
  }
  return husk_cg_resources_apply(cg, r, true, err);
}

/* Sub-cgroups first (the container may have made some), then path. */
static int remove_tree(const char *path, bool v2, int64_t deadline, int depth,
                       husk_error_t **err) {
  DIR *dir = opendir(path);
  if (!dir)
    return errno == ENOENT ? 0 : husk_error_errno(err, "open %s", path);
  int rc = 0;
  struct dirent *de;
  while (rc == 0 && (de = readdir(dir))) {
    if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") ||
        !strcmp(de->d_name, ".."))
      continue;
    if (depth > 64) {
      rc = husk_error_set(err, ELOOP, "remove %s: too deep", path);
      break;
    }
    char *child = NULL;
    if (asprintf(&child, "%s/%s", path, de->d_name) < 0) {
      rc = husk_error_errno(err, "remove %s", path);
      break;
    }
    rc = remove_tree(child, v2, deadline, depth + 1, err);
    free(child);
  }
  closedir(dir);
  if (rc < 0)
    return -1;
  return v2 ? husk_cg_v2_rmdir(path, deadline, err)
            : husk_cg_v1_rmdir(path, deadline, err);
}

int husk_cgroup_destroy(husk_cgroup_t *cg, husk_error_t **err) {
  int64_t deadline = husk_cg_now_ms() + DESTROY_TIMEOUT_MS;
  int rc = 0;
  /* Keep going after a failure: remove as much as possible. */
  for (size_t i = 0; i < cg->n_dirs; i++) {
    husk_cg_dir_t *d = &cg->dirs[i];
    if (d->fd >= 0) {
      close(d->fd);
      d->fd = -1;
    }
    if (remove_tree(d->path, d->h->v2, deadline, 0, err) < 0)
      rc = -1;
    /* A cgroup made by this process's create (a failed create): its new
     * parents go too. A loaded one has no top and keeps them. */
    else if (d->top)
      rmdir_up_to(d->path, d->top);
  }
  return rc;
}
