#include "linux/caps.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "util/log.h"

/* Set while the container's process is being set up: the kernel's highest
 * capability, read once from the trusted procfs (the container's /proc is
 * not to be believed). */
static int cached_last_cap = -1;

int husk_caps_last_cap(int procfd) {
  if (cached_last_cap >= 0)
    return cached_last_cap;
  char buf[16] = "";
  int fd = openat(procfd, "sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
  ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
  if (fd >= 0)
    close(fd);
  char *end = NULL;
  long v = n > 0 ? strtol(buf, &end, 10) : -1;
  /* Unreadable: what libcap was built for, the best guess there is. */
  if (v < 0 || v > 63 || end == buf)
    v = CAP_LAST_CAP;
  cached_last_cap = (int)v;
  return cached_last_cap;
}

int husk_caps_mask(const husk_strv_t *names, int last_cap, uint64_t *mask,
                   uint64_t *unknown) {
  *mask = 0;
  if (unknown)
    *unknown = 0;
  for (size_t i = 0; i < names->len; i++) {
    cap_value_t v;
    /* The parser accepted only names libcap knows. */
    if (cap_from_name(names->items[i], &v) < 0 || v < 0 || v > 63)
      return -1;
    if (v > last_cap) {
      if (unknown)
        *unknown |= 1ULL << v;
      continue;
    }
    *mask |= 1ULL << v;
  }
  return 0;
}

static int masks(const husk_caps_t *caps, int last, husk_cap_masks_t *m,
                 uint64_t *unknown) {
  const husk_strv_t *sets[] = {&caps->bounding, &caps->effective,
                               &caps->permitted, &caps->inheritable,
                               &caps->ambient};
  uint64_t *out[] = {&m->bounding, &m->effective, &m->permitted,
                     &m->inheritable, &m->ambient};
  *unknown = 0;
  for (size_t i = 0; i < 5; i++) {
    uint64_t u;
    if (husk_caps_mask(sets[i], last, out[i], &u) < 0)
      return -1;
    *unknown |= u;
  }
  return 0;
}

int husk_caps_resolve(const husk_caps_t *caps, int last_cap,
                      husk_cap_masks_t *m, uint64_t *unknown,
                      uint64_t *ambient_dropped) {
  if (masks(caps, last_cap, m, unknown) < 0)
    return -1;
  /* The kernel keeps ambient a subset of permitted & inheritable; runc
   * drops the rest with a warning (runtime-spec: caps that cannot be
   * granted are logged, not fatal), and so does husk. */
  uint64_t allowed = m->permitted & m->inheritable;
  *ambient_dropped = m->ambient & ~allowed;
  m->ambient &= allowed;
  return 0;
}

static void warn_names(const char *what, uint64_t bits) {
  for (int v = 0; v < 64; v++) {
    if (!(bits & (1ULL << v)))
      continue;
    /* libcap names them in lower case; the config in upper. */
    char *name = cap_to_name(v);
    char upper[64] = "capability";
    if (name) {
      size_t i = 0;
      for (; name[i] && i < sizeof upper - 1; i++)
        upper[i] = (char)toupper((unsigned char)name[i]);
      upper[i] = '\0';
    }
    husk_warn("%s %s", upper, what);
    cap_free(name);
  }
}

void husk_caps_warn(const husk_caps_t *caps, const char *what, int procfd) {
  husk_cap_masks_t m;
  uint64_t unknown, dropped;
  if (husk_caps_resolve(caps, husk_caps_last_cap(procfd), &m, &unknown,
                        &dropped) < 0)
    return;
  char msg[200];
  snprintf(msg, sizeof msg,
           "(%s.capabilities) is not known to the running kernel: dropped",
           what);
  warn_names(msg, unknown);
  snprintf(msg, sizeof msg,
           "(%s.capabilities.ambient) is not both permitted and "
           "inheritable: not raised",
           what);
  warn_names(msg, dropped);
}

int husk_caps_prepare(const husk_caps_t *caps, int procfd, husk_error_t **err) {
  husk_cap_masks_t m;
  uint64_t unknown, dropped;
  int last = husk_caps_last_cap(procfd);
  if (husk_caps_resolve(caps, last, &m, &unknown, &dropped) < 0)
    return husk_error_set(err, EINVAL, "process.capabilities: bad name");
  for (int c = 0; c <= last; c++)
    if (!(m.bounding & (1ULL << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 &&
        errno != EINVAL)
      return husk_error_errno(err, "drop capability %d from bounding set", c);
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return husk_error_errno(err, "prctl(PR_SET_KEEPCAPS)");
  return 0;
}

int husk_caps_apply(const husk_caps_t *caps, int procfd, husk_error_t **err) {
  husk_cap_masks_t m;
  uint64_t unknown, dropped;
  int last = husk_caps_last_cap(procfd);
  if (husk_caps_resolve(caps, last, &m, &unknown, &dropped) < 0)
    return husk_error_set(err, EINVAL, "process.capabilities: bad name");
  cap_t c = cap_init();
  if (!c)
    return husk_error_errno(err, "cap_init");
  for (cap_value_t v = 0; v <= last; v++) {
    uint64_t bit = 1ULL << v;
    if (m.effective & bit)
      cap_set_flag(c, CAP_EFFECTIVE, 1, &v, CAP_SET);
    if (m.permitted & bit)
      cap_set_flag(c, CAP_PERMITTED, 1, &v, CAP_SET);
    if (m.inheritable & bit)
      cap_set_flag(c, CAP_INHERITABLE, 1, &v, CAP_SET);
  }
  int rc = cap_set_proc(c);
  cap_free(c);
  if (rc < 0)
    return husk_error_errno(err, "config.json: process.capabilities: set "
                                 "effective/permitted/inheritable");
  prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
  /* EINVAL: a kernel without ambient capabilities (before 4.3). */
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
      errno != EINVAL)
    return husk_error_errno(err, "clear ambient capabilities");
  for (int v = 0; v <= last; v++) {
    if (!(m.ambient & (1ULL << v)))
      continue;
    /* Only what is permitted and inheritable is left here; a securebit
     * (SECBIT_NO_CAP_AMBIENT_RAISE) can still refuse it. Capabilities
     * that cannot be granted are logged, not fatal (runtime-spec), as
     * runc does. */
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, v, 0, 0) < 0) {
      char *name = cap_to_name(v);
      husk_warn("process.capabilities.ambient: cannot raise %s: %s",
                name ? name : "capability", strerror(errno));
      cap_free(name);
    }
  }
  return 0;
}
