/* linux.resources.pids.limit: > 0 a limit, < 0 unlimited, 0 not set. */
#include <inttypes.h>

#include "cgroup/internal.h"

static const char *pids_wanted(const husk_resources_t *r) {
  return r->has_pids_limit && r->pids_limit ? "linux.resources.pids.limit"
                                            : NULL;
}

static int pids_apply(const husk_cg_dir_t *d, const husk_resources_t *r,
                      bool update, husk_error_t **err) {
  (void)update;
  if (r->pids_limit < 0)
    return husk_cg_write(d, "linux.resources.pids.limit", "pids.max", err,
                         "max");
  return husk_cg_write(d, "linux.resources.pids.limit", "pids.max", err,
                       "%" PRId64, r->pids_limit);
}

const husk_cg_controller_t husk_cg_pids = {
    .v1 = "pids",
    .v2 = "pids",
    .wanted = pids_wanted,
    .apply = pids_apply,
};
