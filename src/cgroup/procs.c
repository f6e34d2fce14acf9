/* The processes of a container's cgroup: listing (`ps`) and signalling
 * them all (`kill --all`, `delete --force`). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"

typedef struct {
  pid_t *v;
  size_t n, cap;
} pidvec_t;

static int push(pidvec_t *p, pid_t pid) {
  if (p->n == p->cap) {
    size_t cap = p->cap ? p->cap * 2 : 64;
    pid_t *v = realloc(p->v, cap * sizeof *v);
    if (!v)
      return -1;
    p->v = v;
    p->cap = cap;
  }
  p->v[p->n++] = pid;
  return 0;
}

/* cgroup.procs of dfd and of every cgroup below it. */
static int collect(int dfd, const char *path, pidvec_t *p, int depth,
                   husk_error_t **err) {
  _cleanup_free_ char *procs = NULL;
  size_t len;
  if (husk_read_file_at(dfd, "cgroup.procs", 16 << 20, &procs, &len, NULL) < 0)
    return errno == ENOENT
               ? 0
               : husk_error_errno(err, "read %s/cgroup.procs", path);
  for (char *s = procs, *end; *s; s = end) {
    long v = strtol(s, &end, 10);
    if (end == s)
      break;
    if (v > 0 && push(p, (pid_t)v) < 0)
      return husk_error_errno(err, "%s", path);
  }
  int copy = dup(dfd);
  DIR *d = copy >= 0 ? fdopendir(copy) : NULL;
  if (!d) {
    if (copy >= 0)
      close(copy);
    return husk_error_errno(err, "open %s", path);
  }
  int rc = 0;
  struct dirent *de;
  while (rc == 0 && (de = readdir(d))) {
    if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") ||
        !strcmp(de->d_name, ".."))
      continue;
    _cleanup_close_ int child =
        openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (child < 0) {
      if (errno != ENOENT) /* a sub-cgroup may go away meanwhile */
        rc = husk_error_errno(err, "open %s/%s", path, de->d_name);
      continue;
    }
    if (depth >= 64)
      rc = husk_error_set(err, ELOOP, "%s: cgroups nested too deep", path);
    else
      rc = collect(child, path, p, depth + 1, err);
  }
  closedir(d);
  return rc;
}

static int cmp_pid(const void *a, const void *b) {
  pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
  return (x > y) - (x < y);
}

int husk_cgroup_pids(const husk_cgroup_t *cg, pid_t **pids, size_t *n,
                     husk_error_t **err) {
  pidvec_t p = {0};
  const husk_cg_dir_t *d = husk_cg_main_dir(cg);
  if (d && d->fd >= 0 && collect(d->fd, d->path, &p, 0, err) < 0) {
    free(p.v);
    return -1;
  }
  if (p.n)
    qsort(p.v, p.n, sizeof *p.v, cmp_pid);
  size_t k = 0;
  for (size_t i = 0; i < p.n; i++)
    if (k == 0 || p.v[k - 1] != p.v[i])
      p.v[k++] = p.v[i];
  *pids = p.v;
  *n = k;
  return 0;
}

static int signal_listed(const husk_cgroup_t *cg, int sig, husk_error_t **err) {
  pid_t *pids = NULL;
  size_t n;
  if (husk_cgroup_pids(cg, &pids, &n, err) < 0)
    return -1;
  int rc = 0;
  for (size_t i = 0; i < n; i++)
    if (kill(pids[i], sig) < 0 && errno != ESRCH && rc == 0)
      rc = husk_error_errno(err, "signal %d to process %d", sig, (int)pids[i]);
  free(pids);
  return rc;
}

int husk_cgroup_kill(const husk_cgroup_t *cg, int sig, husk_error_t **err) {
  bool paused = false;
  bool has_freezer = husk_cg_freezer_dir(cg) != NULL;
  if (has_freezer && husk_cgroup_is_frozen(cg, &paused, err) < 0)
    return -1;
  int rc;
  const husk_cg_dir_t *u = cg->unified >= 0 ? &cg->dirs[cg->unified] : NULL;
  if (sig == SIGKILL && u && u->fd >= 0 && husk_cg_has(u, "cgroup.kill")) {
    /* cgroup.kill (5.14) kills the whole subtree atomically, forks too. */
    rc = husk_cg_write(u, NULL, "cgroup.kill", err, "1");
  } else {
    /* Freeze so that nothing forks between listing and signalling, then
     * thaw so that the signals are acted on. */
    bool froze = false;
    if (has_freezer && !paused) {
      husk_error_t *e = NULL;
      if (husk_cgroup_freeze(cg, true, &e) == 0) {
        froze = true;
      } else {
        husk_debug("kill without freezing: %s", e->msg);
        husk_error_free(e);
      }
    }
    rc = signal_listed(cg, sig, err);
    if (froze && husk_cgroup_freeze(cg, false, rc < 0 ? NULL : err) < 0)
      rc = -1;
  }
  /* A paused container keeps its state for other signals, but a task
   * frozen by the v1 freezer cannot die: thaw it so delete can finish. */
  if (sig == SIGKILL && paused &&
      husk_cgroup_freeze(cg, false, rc < 0 ? NULL : err) < 0)
    rc = -1;
  return rc;
}
