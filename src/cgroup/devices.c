/* The device rules a container's cgroup gets: the spec's, evaluated
 * last-match-wins, then linux.devices and the runtime's defaults as allows
 * (appended, so a deny-all in the spec cannot take /dev/null away). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/internal.h"

#define ALL HUSK_CG_DEV_ALL
#define MKNOD HUSK_CG_DEV_MKNOD

/* null, zero, full, random, urandom, tty, console, ptmx, pts/N; and mknod
 * of any device (opening it still needs a rule), as runc and crun do. */
static const husk_cg_dev_rule_t defaults[] = {
    {true, 'c', -1, -1, MKNOD}, {true, 'b', -1, -1, MKNOD},
    {true, 'c', 1, 3, ALL},     {true, 'c', 1, 5, ALL},
    {true, 'c', 1, 7, ALL},     {true, 'c', 1, 8, ALL},
    {true, 'c', 1, 9, ALL},     {true, 'c', 5, 0, ALL},
    {true, 'c', 5, 1, ALL},     {true, 'c', 5, 2, ALL},
    {true, 'c', 136, -1, ALL},
};
#define N_DEFAULTS (sizeof defaults / sizeof *defaults)

static unsigned access_bits(const char *s) {
  if (!s)
    return ALL;
  unsigned a = 0;
  for (; *s; s++)
    a |= *s == 'r'   ? HUSK_CG_DEV_READ
         : *s == 'w' ? HUSK_CG_DEV_WRITE
         : *s == 'm' ? HUSK_CG_DEV_MKNOD
                     : 0;
  return a;
}

int husk_cg_device_rules(const husk_spec_t *spec, husk_cg_dev_rule_t **rules,
                         size_t *n, bool *default_allow, husk_error_t **err) {
  const husk_linux_t *l = &spec->linux_;
  const husk_resources_t *r = &l->resources;
  husk_cg_dev_rule_t *v =
      calloc(r->n_devices + l->n_devices + N_DEFAULTS, sizeof *v);
  if (!v)
    return husk_error_errno(err, "linux.resources.devices");
  size_t k = 0;
  /* A new cgroup starts from its parent's rules, in practice allow-all. */
  *default_allow = true;
  for (size_t i = 0; i < r->n_devices; i++) {
    const husk_device_rule_t *s = &r->devices[i];
    husk_cg_dev_rule_t d = {
        .allow = s->allow,
        .type = s->type ? s->type : 'a',
        .major = s->has_major ? s->major : -1,
        .minor = s->has_minor ? s->minor : -1,
        .access = access_bits(s->access),
    };
    if (!d.access)
      continue;
    if (d.type == 'a' && d.major == -1 && d.minor == -1 && d.access == ALL) {
      /* Everything before a wildcard is overridden by it. */
      *default_allow = d.allow;
      k = 0;
      continue;
    }
    v[k++] = d;
  }
  for (size_t i = 0; i < l->n_devices; i++) {
    const husk_device_t *dev = &l->devices[i];
    if (dev->type == 'p')
      continue;
    v[k++] = (husk_cg_dev_rule_t){true, dev->type == 'b' ? 'b' : 'c',
                                  dev->major, dev->minor, ALL};
  }
  memcpy(v + k, defaults, sizeof defaults);
  k += N_DEFAULTS;
  *rules = v;
  *n = k;
  return 0;
}
