/* v1 devices controller: reset with a wildcard ("a" into devices.allow or
 * devices.deny sets the default and clears the exceptions), then replay the
 * rules in order; the kernel's add/remove of exceptions gives the same
 * last-match-wins result as the v2 program. */
#include <inttypes.h>
#include <stdio.h>

#include "cgroup/internal.h"

static void num(char *buf, size_t size, int64_t v) {
  if (v < 0)
    snprintf(buf, size, "*");
  else
    snprintf(buf, size, "%" PRId64, v);
}

static int write_rule(const husk_cg_dir_t *d, const husk_cg_dev_rule_t *r,
                      char type, husk_error_t **err) {
  char maj[24], min[24], acc[4];
  size_t k = 0;
  num(maj, sizeof maj, r->major);
  num(min, sizeof min, r->minor);
  if (r->access & HUSK_CG_DEV_READ)
    acc[k++] = 'r';
  if (r->access & HUSK_CG_DEV_WRITE)
    acc[k++] = 'w';
  if (r->access & HUSK_CG_DEV_MKNOD)
    acc[k++] = 'm';
  acc[k] = '\0';
  return husk_cg_write(d, "linux.resources.devices",
                       r->allow ? "devices.allow" : "devices.deny", err,
                       "%c %s:%s %s", type, maj, min, acc);
}

int husk_cg_devices_v1_apply(const husk_cg_dir_t *d,
                             const husk_cg_dev_rule_t *rules, size_t n,
                             bool default_allow, husk_error_t **err) {
  if (husk_cg_write(d, "linux.resources.devices",
                    default_allow ? "devices.allow" : "devices.deny", err,
                    "a") < 0)
    return -1;
  for (size_t i = 0; i < n; i++) {
    const husk_cg_dev_rule_t *r = &rules[i];
    /* The kernel reads any "a" entry as the total wildcard; a partial one
     * is spelled as its char and block halves. */
    if (r->type == 'a') {
      if (write_rule(d, r, 'c', err) < 0 || write_rule(d, r, 'b', err) < 0)
        return -1;
    } else if (write_rule(d, r, r->type, err) < 0) {
      return -1;
    }
  }
  return 0;
}
