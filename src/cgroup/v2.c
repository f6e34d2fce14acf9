/* cgroup v2 specifics: controllers must be enabled top-down in each
 * ancestor's cgroup.subtree_control, and cgroup.events tells (through
 * poll) when a cgroup is frozen or empty. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"

/* One ancestor: enable what is wanted, available and not yet enabled. */
static int enable_in(int fd, const char *dir, const char *controllers,
                     const char *required, husk_error_t **err) {
  _cleanup_free_ char *avail = NULL, *enabled = NULL;
  size_t len;
  if (husk_read_file_at(fd, "cgroup.controllers", 1 << 16, &avail, &len, NULL) <
          0 ||
      husk_read_file_at(fd, "cgroup.subtree_control", 1 << 16, &enabled, &len,
                        NULL) < 0)
    return husk_error_errno(err, "read the controllers of %s", dir);
  for (const char *p = controllers; *p;) {
    p += strspn(p, " ");
    size_t n = strcspn(p, " ");
    char name[64], plus[66];
    if (!n || n >= sizeof name) {
      p += n;
      continue;
    }
    memcpy(name, p, n);
    name[n] = '\0';
    p += n;
    if (husk_cg_word_in(enabled, name))
      continue;
    bool must = husk_cg_word_in(required, name);
    if (!husk_cg_word_in(avail, name)) {
      if (must)
        return husk_error_set(err, 0,
                              "the %s controller is not available "
                              "in %s",
                              name, dir);
      continue;
    }
    snprintf(plus, sizeof plus, "+%s", name);
    husk_error_t *e = NULL;
    if (husk_cg_write_at(fd, dir, NULL, "cgroup.subtree_control", plus, &e) <
        0) {
      if (must) {
        *err = e;
        return husk_error_wrap(err, "enable the %s controller", name);
      }
      husk_debug("%s", e->msg);
      husk_error_free(e);
    }
  }
  return 0;
}

int husk_cg_v2_enable(const husk_cg_dir_t *d, const char *controllers,
                      const char *required, husk_error_t **err) {
  const char *mp = d->h->mountpoint;
  _cleanup_free_ char *rel = strdup(d->path + strlen(mp));
  _cleanup_free_ char *dir = strdup(d->path);
  if (!rel || !dir)
    return husk_error_errno(err, "%s", d->path);
  size_t dir_len = strlen(mp);
  dir[dir_len] = '\0';
  _cleanup_close_ int fd = open(mp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return husk_error_errno(err, "open %s", mp);
  /* The ancestors are the mount point and every component but the last. */
  char *save = NULL, *comp = strtok_r(rel, "/", &save);
  while (comp) {
    char *next = strtok_r(NULL, "/", &save);
    if (enable_in(fd, dir, controllers, required, err) < 0)
      return -1;
    if (!next)
      break;
    int child = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    dir_len += (size_t)sprintf(dir + dir_len, "/%s", comp);
    if (child < 0)
      return husk_error_errno(err, "open %s", dir);
    close(fd);
    fd = child;
    comp = next;
  }
  return 0;
}

int husk_cg_v2_wait_event(int dirfd, const char *dir, const char *key,
                          uint64_t want, int timeout_ms, husk_error_t **err) {
  _cleanup_close_ int fd = openat(dirfd, "cgroup.events", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return husk_error_errno(err, "open %s/cgroup.events", dir);
  int64_t deadline = husk_cg_now_ms() + timeout_ms;
  for (;;) {
    char buf[512];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n < 0)
      return husk_error_errno(err, "read %s/cgroup.events", dir);
    buf[n] = '\0';
    uint64_t v;
    if (husk_cg_kv(buf, key, &v) == 0 && v == want)
      return 0;
    int64_t left = deadline - husk_cg_now_ms();
    if (left <= 0)
      return husk_error_set(err, ETIMEDOUT,
                            "%s/cgroup.events: no \"%s %" PRIu64 "\" after "
                            "%d ms",
                            dir, key, want, timeout_ms);
    /* kernfs signals a change of cgroup.events as POLLPRI. */
    struct pollfd pfd = {.fd = fd, .events = POLLPRI};
    if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
      return husk_error_errno(err, "poll %s/cgroup.events", dir);
  }
}

int husk_cg_v2_rmdir(const char *path, int64_t deadline_ms,
                     husk_error_t **err) {
  int delay = 0;
  for (;;) {
    if (rmdir(path) == 0 || errno == ENOENT)
      return 0;
    if (errno != EBUSY)
      return husk_error_errno(err, "rmdir %s", path);
    int64_t left = deadline_ms - husk_cg_now_ms();
    _cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    husk_error_t *e = NULL;
    if (left > 0 && fd >= 0 &&
        husk_cg_v2_wait_event(fd, path, "populated", 0, (int)left, &e) < 0)
      husk_error_free(e);
    /* Empty but still busy (a css going offline): back off briefly. */
    if (!husk_cg_backoff(&delay, deadline_ms))
      return husk_error_set(err, EBUSY, "rmdir %s: still has processes", path);
  }
}
