/* linux.resources.hugepageLimits: v1 hugetlb.<size>.limit_in_bytes, v2
 * hugetlb.<size>.max; the reservation limit (.rsvd.*) is set to the same
 * value where the kernel has it, so reserved-but-unfaulted pages count. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cgroup/internal.h"

static const char *hugetlb_wanted(const husk_resources_t *r) {
  return r->n_hugepage_limits ? "linux.resources.hugepageLimits" : NULL;
}

/* Refuse a page size the kernel does not have before anything is made:
 * "2MB" must exist as /sys/kernel/mm/hugepages/hugepages-2048kB. */
static int hugetlb_check(bool v2, const husk_resources_t *r,
                         husk_error_t **err) {
  (void)v2;
  for (size_t i = 0; i < r->n_hugepage_limits; i++) {
    const char *size = r->hugepage_limits[i].page_size;
    char *unit;
    unsigned long long kb = strtoull(size, &unit, 10);
    unsigned shift = *unit == 'G' ? 20 : *unit == 'M' ? 10 : 0;
    char dir[96];
    snprintf(dir, sizeof dir, "/sys/kernel/mm/hugepages/hugepages-%llukB",
             kb << shift);
    if (access(dir, F_OK) < 0)
      return husk_error_set(err, 0,
                            "linux.resources.hugepageLimits[%zu].pageSize: "
                            "huge pages of size %s are not supported on this "
                            "host",
                            i, size);
  }
  return 0;
}

static int hugetlb_apply(const husk_cg_dir_t *d, const husk_resources_t *r,
                         bool update, husk_error_t **err) {
  (void)update;
  bool v2 = CG_IS_V2(d);
  for (size_t i = 0; i < r->n_hugepage_limits; i++) {
    const husk_hugepage_limit_t *h = &r->hugepage_limits[i];
    char key[64], file[96], rsvd[96];
    snprintf(key, sizeof key, "linux.resources.hugepageLimits[%zu]", i);
    snprintf(file, sizeof file,
             v2 ? "hugetlb.%s.max" : "hugetlb.%s.limit_in_bytes", h->page_size);
    snprintf(rsvd, sizeof rsvd,
             v2 ? "hugetlb.%s.rsvd.max" : "hugetlb.%s.rsvd.limit_in_bytes",
             h->page_size);
    if (!husk_cg_has(d, file))
      return husk_error_set(err, 0,
                            "%s.pageSize: huge pages of size %s are not "
                            "supported on this host (no %s/%s)",
                            key, h->page_size, d->path, file);
    if (husk_cg_write(d, key, file, err, "%" PRIu64, h->limit) < 0)
      return -1;
    if (husk_cg_has(d, rsvd) &&
        husk_cg_write(d, key, rsvd, err, "%" PRIu64, h->limit) < 0)
      return -1;
  }
  return 0;
}

const husk_cg_controller_t husk_cg_hugetlb = {
    .v1 = "hugetlb",
    .v2 = "hugetlb",
    .wanted = hugetlb_wanted,
    .check = hugetlb_check,
    .apply = hugetlb_apply,
};
