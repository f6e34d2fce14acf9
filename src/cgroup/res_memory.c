/* linux.resources.memory. Values of 0 mean "not set" (as runc reads the
 * spec: clients send zeroes for what they leave alone); -1 is unlimited.
 * v1 "swap" is memory+swap (memory.memsw.*); v2 has swap alone, so
 * memory.swap.max = swap - limit. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "cgroup/internal.h"
#include "util/cleanup.h"
#include "util/log.h"

#define K "linux.resources.memory."

static bool set(bool has, int64_t v) {
  return has && v != 0;
}

static const char *memory_wanted(const husk_resources_t *r) {
  const husk_memory_t *m = &r->memory;
  if (set(m->has_limit, m->limit))
    return K "limit";
  if (set(m->has_reservation, m->reservation))
    return K "reservation";
  if (set(m->has_swap, m->swap))
    return K "swap";
  if (m->has_swappiness)
    return K "swappiness";
  if (m->has_disable_oom_killer && m->disable_oom_killer)
    return K "disableOOMKiller";
  if (set(m->has_kernel, m->kernel))
    return K "kernel";
  if (set(m->has_kernel_tcp, m->kernel_tcp))
    return K "kernelTCP";
  return NULL;
}

static int memory_check(bool v2, const husk_resources_t *r,
                        husk_error_t **err) {
  const husk_memory_t *m = &r->memory;
  if (!v2)
    return 0;
  if (m->has_disable_oom_killer && m->disable_oom_killer)
    return husk_error_set(err, 0,
                          K "disableOOMKiller: not supported on "
                            "cgroup v2");
  if (m->has_swappiness)
    return husk_error_set(err, 0,
                          K "swappiness: not supported on cgroup v2 "
                            "(there is no per-cgroup swappiness)");
  if (set(m->has_swap, m->swap) && m->swap != -1 &&
      !(set(m->has_limit, m->limit) && m->limit != -1))
    return husk_error_set(err, 0,
                          K "swap: a swap limit needs a memory limit "
                            "on cgroup v2");
  return 0;
}

static int write_i64(const husk_cg_dir_t *d, const char *key, const char *file,
                     int64_t v, husk_error_t **err) {
  if (v == -1 && CG_IS_V2(d))
    return husk_cg_write(d, key, file, err, "max");
  return husk_cg_write(d, key, file, err, "%" PRId64, v);
}

/* Deprecated knobs (kernel memory): written where the kernel still has
 * the file, else skipped, as runc does. */
static int write_deprecated(const husk_cg_dir_t *d, const char *key,
                            const char *file, int64_t v, husk_error_t **err) {
  if (CG_IS_V2(d) || !husk_cg_has(d, file)) {
    husk_debug("%s: ignored, %s is not available", key, file);
    return 0;
  }
  husk_error_t *e = NULL;
  if (write_i64(d, key, file, v, &e) == 0)
    return 0;
  if (e->errno_value == EOPNOTSUPP || e->errno_value == EINVAL) {
    husk_debug("%s: ignored: %s", key, e->msg);
    husk_error_free(e);
    return 0;
  }
  *err = e;
  return -1;
}

/* memsw must stay >= limit at every step: raise memsw first when growing,
 * lower the limit first when shrinking. */
static int v1_limit_and_swap(const husk_cg_dir_t *d, const husk_memory_t *m,
                             husk_error_t **err) {
  int64_t limit = set(m->has_limit, m->limit) ? m->limit : 0;
  int64_t swap = set(m->has_swap, m->swap) ? m->swap : 0;
  bool memsw = husk_cg_has(d, "memory.memsw.limit_in_bytes");
  /* Unlimited memory with swap left alone means unlimited swap too;
   * otherwise the old memsw limit would cap it. */
  if (limit == -1 && swap == 0 && memsw)
    swap = -1;
  if (swap && !memsw) {
    if (swap == -1 || swap == limit) {
      husk_debug(K "swap: no swap accounting on this host; ignored");
      swap = 0;
    } else {
      return husk_error_set(err, 0,
                            K "swap: swap accounting is not enabled "
                              "(no memory.memsw.limit_in_bytes)");
    }
  }
  bool swap_first = false;
  if (limit && swap) {
    uint64_t cur;
    if (husk_cg_read_u64(d, "memory.limit_in_bytes", &cur) < 0)
      return husk_error_errno(err, "read %s/memory.limit_in_bytes", d->path);
    swap_first = swap == -1 || (uint64_t)swap > cur;
  }
  if (swap && swap_first &&
      write_i64(d, K "swap", "memory.memsw.limit_in_bytes", swap, err) < 0)
    return -1;
  if (limit && write_i64(d, K "limit", "memory.limit_in_bytes", limit, err) < 0)
    return -1;
  if (swap && !swap_first &&
      write_i64(d, K "swap", "memory.memsw.limit_in_bytes", swap, err) < 0)
    return -1;
  return 0;
}

static int v1_apply(const husk_cg_dir_t *d, const husk_memory_t *m,
                    husk_error_t **err) {
  if (set(m->has_reservation, m->reservation) &&
      write_i64(d, K "reservation", "memory.soft_limit_in_bytes",
                m->reservation, err) < 0)
    return -1;
  if (v1_limit_and_swap(d, m, err) < 0)
    return -1;
  if (set(m->has_kernel, m->kernel) &&
      write_deprecated(d, K "kernel", "memory.kmem.limit_in_bytes", m->kernel,
                       err) < 0)
    return -1;
  if (set(m->has_kernel_tcp, m->kernel_tcp) &&
      write_deprecated(d, K "kernelTCP", "memory.kmem.tcp.limit_in_bytes",
                       m->kernel_tcp, err) < 0)
    return -1;
  if (m->has_swappiness && husk_cg_write(d, K "swappiness", "memory.swappiness",
                                         err, "%" PRIu64, m->swappiness) < 0)
    return -1;
  if (m->has_disable_oom_killer &&
      husk_cg_write(d, K "disableOOMKiller", "memory.oom_control", err, "%d",
                    m->disable_oom_killer ? 1 : 0) < 0)
    return -1;
  /* Always 1 on current kernels, which refuse 0: not worth failing for. */
  if (m->has_use_hierarchy) {
    husk_error_t *e = NULL;
    if (husk_cg_write(d, K "useHierarchy", "memory.use_hierarchy", &e, "%d",
                      m->use_hierarchy ? 1 : 0) < 0) {
      husk_debug("%s", e->msg);
      husk_error_free(e);
    }
  }
  return 0;
}

static int v2_apply(const husk_cg_dir_t *d, const husk_memory_t *m,
                    husk_error_t **err) {
  int64_t limit = set(m->has_limit, m->limit) ? m->limit : 0;
  int64_t swap = set(m->has_swap, m->swap) ? m->swap : 0;
  if (set(m->has_reservation, m->reservation) &&
      write_i64(d, K "reservation", "memory.low", m->reservation, err) < 0)
    return -1;
  /* swap (v1 meaning: memory+swap) -> swap alone; memory_check made sure
   * a finite swap comes with a finite limit, the parser that swap >= it. */
  bool swap_set = swap != 0 || limit == -1;
  int64_t swap_v2 =
      (swap == -1 || (swap == 0 && limit == -1)) ? -1 : swap - limit;
  if (swap_set) {
    if (!husk_cg_has(d, "memory.swap.max")) {
      if (swap_v2 != 0 && swap_v2 != -1)
        return husk_error_set(err, 0,
                              K "swap: swap accounting is not "
                                "enabled (no memory.swap.max)");
      husk_debug(K "swap: no memory.swap.max on this host; ignored");
    } else if (write_i64(d, K "swap", "memory.swap.max", swap_v2, err) < 0) {
      return -1;
    }
  }
  if (limit && write_i64(d, K "limit", "memory.max", limit, err) < 0)
    return -1;
  if (set(m->has_kernel, m->kernel))
    husk_debug(K "kernel: ignored on cgroup v2");
  if (set(m->has_kernel_tcp, m->kernel_tcp))
    husk_debug(K "kernelTCP: ignored on cgroup v2");
  return 0;
}

/* checkBeforeUpdate: refuse a limit below what is in use right now. */
static int check_usage(const husk_cg_dir_t *d, const husk_memory_t *m,
                       husk_error_t **err) {
  if (!m->has_check_before_update || !m->check_before_update ||
      !set(m->has_limit, m->limit) || m->limit == -1)
    return 0;
  const char *file = CG_IS_V2(d) ? "memory.current" : "memory.usage_in_bytes";
  uint64_t usage;
  if (husk_cg_read_u64(d, file, &usage) < 0)
    return husk_error_errno(err, "read %s/%s", d->path, file);
  if (usage > (uint64_t)m->limit)
    return husk_error_set(err, 0,
                          K "limit: %" PRId64 " is below the current usage "
                            "%" PRIu64 " (checkBeforeUpdate)",
                          m->limit, usage);
  return 0;
}

static int memory_apply(const husk_cg_dir_t *d, const husk_resources_t *r,
                        bool update, husk_error_t **err) {
  if (update && check_usage(d, &r->memory, err) < 0)
    return -1;
  return CG_IS_V2(d) ? v2_apply(d, &r->memory, err)
                     : v1_apply(d, &r->memory, err);
}

const husk_cg_controller_t husk_cg_memory = {
    .v1 = "memory",
    .v2 = "memory",
    .wanted = memory_wanted,
    .check = memory_check,
    .apply = memory_apply,
};
