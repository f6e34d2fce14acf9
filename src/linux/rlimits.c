#include "linux/rlimits.h"

#include <errno.h>
#include <sys/resource.h>

int husk_rlimits_apply(const husk_process_t *proc, husk_error_t **err) {
  for (size_t i = 0; i < proc->n_rlimits; i++) {
    const husk_rlimit_t *r = &proc->rlimits[i];
    struct rlimit lim = {.rlim_cur = r->soft, .rlim_max = r->hard};
    if (setrlimit(r->resource, &lim) < 0) {
      int e = errno;
      struct rlimit cur;
      getrlimit(r->resource, &cur);
      if (e == EPERM && r->hard > cur.rlim_max)
        return husk_error_set(err, e,
                              "config.json: process.rlimits[%zu]: %s hard "
                              "limit %llu above the current %llu needs "
                              "CAP_SYS_RESOURCE",
                              i, r->name, (unsigned long long)r->hard,
                              (unsigned long long)cur.rlim_max);
      return husk_error_set(err, e, "config.json: process.rlimits[%zu]: %s", i,
                            r->name);
    }
  }
  return 0;
}
