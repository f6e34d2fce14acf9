/* linux.resources.network: net_cls and net_prio exist on cgroup v1 only
 * (v2 leaves classification to eBPF), so on v2 they are "not available". */
#include <inttypes.h>
#include <stdio.h>

#include "cgroup/internal.h"

static const char *net_cls_wanted(const husk_resources_t *r) {
  return r->network.has_class_id ? "linux.resources.network.classID" : NULL;
}

static int net_cls_apply(const husk_cg_dir_t *d, const husk_resources_t *r,
                         bool update, husk_error_t **err) {
  (void)update;
  return husk_cg_write(d, "linux.resources.network.classID", "net_cls.classid",
                       err, "%" PRIu32, r->network.class_id);
}

const husk_cg_controller_t husk_cg_net_cls = {
    .v1 = "net_cls",
    .wanted = net_cls_wanted,
    .apply = net_cls_apply,
};

static const char *net_prio_wanted(const husk_resources_t *r) {
  return r->network.n_priorities ? "linux.resources.network.priorities" : NULL;
}

/* One "<ifname> <prio>" per write: the file takes a single pair. */
static int net_prio_apply(const husk_cg_dir_t *d, const husk_resources_t *r,
                          bool update, husk_error_t **err) {
  (void)update;
  for (size_t i = 0; i < r->network.n_priorities; i++) {
    const husk_net_priority_t *p = &r->network.priorities[i];
    char key[64];
    snprintf(key, sizeof key, "linux.resources.network.priorities[%zu]", i);
    if (husk_cg_write(d, key, "net_prio.ifpriomap", err, "%s %" PRIu32, p->name,
                      p->priority) < 0)
      return -1;
  }
  return 0;
}

const husk_cg_controller_t husk_cg_net_prio = {
    .v1 = "net_prio",
    .wanted = net_prio_wanted,
    .apply = net_prio_apply,
};
