#include "linux/caps.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "util/log.h"

/* The highest capability this kernel knows; names above it are dropped. */
static int last_cap(void) {
  static int cached = -1;
  if (cached < 0) {
    FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
    if (!f || fscanf(f, "%d", &cached) != 1)
      cached = CAP_LAST_CAP;
    if (f)
      fclose(f);
  }
  return cached;
}

/* Turn a list of names into a bitmask of caps the kernel knows. */
static int caps_mask(const husk_strv_t *names, const char *set,
                     unsigned long long *mask, husk_error_t **err) {
  *mask = 0;
  for (size_t i = 0; i < names->len; i++) {
    cap_value_t v;
    if (cap_from_name(names->items[i], &v) < 0)
      return husk_error_set(err, 0,
                            "config.json: process.capabilities.%s[%zu]: "
                            "unknown capability \"%s\"",
                            set, i, names->items[i]);
    if (v > last_cap()) {
      husk_warn("capability %s is not known to this kernel: dropped",
                names->items[i]);
      continue;
    }
    *mask |= 1ULL << v;
  }
  return 0;
}

/* No "capabilities" object means empty sets, as runc reads it. */
int husk_caps_prepare(const husk_caps_t *caps, husk_error_t **err) {
  unsigned long long bounding;
  if (caps_mask(&caps->bounding, "bounding", &bounding, err) < 0)
    return -1;
  for (int c = 0; c <= last_cap(); c++)
    if (!(bounding & (1ULL << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 &&
        errno != EINVAL)
      return husk_error_errno(err, "drop capability %d from bounding set", c);
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return husk_error_errno(err, "prctl(PR_SET_KEEPCAPS)");
  return 0;
}

int husk_caps_apply(const husk_caps_t *caps, husk_error_t **err) {
  unsigned long long eff, prm, inh, amb;
  if (caps_mask(&caps->effective, "effective", &eff, err) < 0 ||
      caps_mask(&caps->permitted, "permitted", &prm, err) < 0 ||
      caps_mask(&caps->inheritable, "inheritable", &inh, err) < 0 ||
      caps_mask(&caps->ambient, "ambient", &amb, err) < 0)
    return -1;
  cap_t c = cap_init();
  if (!c)
    return husk_error_errno(err, "cap_init");
  for (cap_value_t v = 0; v <= last_cap(); v++) {
    unsigned long long bit = 1ULL << v;
    if (eff & bit)
      cap_set_flag(c, CAP_EFFECTIVE, 1, &v, CAP_SET);
    if (prm & bit)
      cap_set_flag(c, CAP_PERMITTED, 1, &v, CAP_SET);
    if (inh & bit)
      cap_set_flag(c, CAP_INHERITABLE, 1, &v, CAP_SET);
  }
  int rc = cap_set_proc(c);
  cap_free(c);
  if (rc < 0)
    return husk_error_errno(err, "set capabilities");
  prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
      errno != EINVAL)
    return husk_error_errno(err, "clear ambient capabilities");
  for (int v = 0; v <= last_cap(); v++) {
    /* Ambient needs the cap in both permitted and inheritable. */
    if (!(amb & (1ULL << v)) || !(prm & inh & (1ULL << v)))
      continue;
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, v, 0, 0) < 0)
      return husk_error_errno(err, "raise ambient capability %d", v);
  }
  return 0;
}
