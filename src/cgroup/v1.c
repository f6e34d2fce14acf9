/* cgroup v1 specifics: one directory per hierarchy, no populated
 * notification (rmdir is retried with a backoff), cpuset to seed. */
#include <errno.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/internal.h"

int64_t husk_cg_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool husk_cg_backoff(int *delay_us, int64_t deadline_ms) {
  int64_t left_us = (deadline_ms - husk_cg_now_ms()) * 1000;
  if (left_us <= 0)
    return false;
  int64_t d = *delay_us < 100 ? 100 : *delay_us;
  if (d > left_us)
    d = left_us;
  struct timespec ts = {d / 1000000, (d % 1000000) * 1000};
  while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
    ;
  *delay_us = d * 2 > 50000 ? 50000 : (int)(d * 2);
  return true;
}

int husk_cg_v1_rmdir(const char *path, int64_t deadline_ms,
                     husk_error_t **err) {
  int delay = 0;
  for (;;) {
    if (rmdir(path) == 0 || errno == ENOENT)
      return 0;
    if (errno != EBUSY)
      return husk_error_errno(err, "rmdir %s", path);
    /* Exiting tasks leave the cgroup a little after they are reaped. */
    if (!husk_cg_backoff(&delay, deadline_ms))
      return husk_error_set(err, EBUSY, "rmdir %s: still in use", path);
  }
}

int husk_cg_v1_prepare(const husk_cg_hier_t *h, int dirfd, int parentfd,
                       const char *dir, husk_error_t **err) {
  if (!husk_cg_hier_has(h, "cpuset"))
    return 0;
  return husk_cg_cpuset_v1_init(dirfd, parentfd, dir, err);
}
