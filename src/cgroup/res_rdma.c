/* linux.resources.rdma: rdma.max, "<device> hca_handle=N hca_object=M",
 * the same on both versions; an unset count is "max". */
#include <inttypes.h>
#include <stdio.h>

#include "cgroup/internal.h"

static const char *rdma_wanted(const husk_resources_t *r) {
  return r->n_rdma ? "linux.resources.rdma" : NULL;
}

static int rdma_apply(const husk_cg_dir_t *d, const husk_resources_t *r,
                      bool update, husk_error_t **err) {
  (void)update;
  for (size_t i = 0; i < r->n_rdma; i++) {
    const husk_rdma_t *x = &r->rdma[i];
    char h[16] = "max", o[16] = "max", key[300];
    if (x->has_hca_handles)
      snprintf(h, sizeof h, "%" PRIu32, x->hca_handles);
    if (x->has_hca_objects)
      snprintf(o, sizeof o, "%" PRIu32, x->hca_objects);
    snprintf(key, sizeof key, "linux.resources.rdma[\"%s\"]", x->device);
    if (husk_cg_write(d, key, "rdma.max", err, "%s hca_handle=%s hca_object=%s",
                      x->device, h, o) < 0)
      return -1;
  }
  return 0;
}

const husk_cg_controller_t husk_cg_rdma = {
    .v1 = "rdma",
    .v2 = "rdma",
    .wanted = rdma_wanted,
    .apply = rdma_apply,
};
