/* linux.resources: cgroup limits. Shapes and ranges only; whether a
 * controller exists on this host is the cgroup driver's business. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "spec/parse_util.h"
#include "util/cleanup.h"

/* Device numbers are 32 bits in the kernel's dev_t; -1 is "any". */
#define DEV_MIN -1
#define DEV_MAX UINT32_MAX

static int parse_device_rule(spec_ctx_t *c, const husk_json_t *elem,
                             void *item) {
  husk_device_rule_t *d = item;
  _cleanup_free_ char *type = NULL;
  if (spec_require(c, elem, "allow") < 0 ||
      spec_get_bool(c, elem, "allow", &d->allow) < 0 ||
      spec_get_string(c, elem, "type", &type) < 0)
    return -1;
  if (type && (strlen(type) != 1 || !strchr("acb", type[0]))) {
    spec_path_key(c, "type");
    return spec_err(c, "unknown device type %s (expected a, c or b)",
                    SPEC_Q(type));
  }
  d->type = type ? type[0] : 0;
  if (SPEC_GET_OPT(spec_get_i64(c, elem, "major", DEV_MIN, DEV_MAX, &d->major),
                   d->has_major) < 0 ||
      SPEC_GET_OPT(spec_get_i64(c, elem, "minor", DEV_MIN, DEV_MAX, &d->minor),
                   d->has_minor) < 0 ||
      spec_get_string(c, elem, "access", &d->access) < 0)
    return -1;
  /* Each of r, w, m at most once. */
  for (const char *p = d->access; p && *p; p++) {
    if (strchr("rwm", *p) && !strchr(p + 1, *p))
      continue;
    spec_path_key(c, "access");
    return spec_err(c, "invalid access %s (expected a subset of \"rwm\")",
                    SPEC_Q(d->access));
  }
  return 0;
}

/* swappiness is 0..100; -1 (or its uint64 image, which some clients send)
 * means "not set", as runc reads it. */
static int get_swappiness(spec_ctx_t *c, const husk_json_t *obj,
                          husk_memory_t *m) {
  const husk_json_t *v = spec_lookup(obj, "swappiness");
  if (!v)
    return 0;
  if (husk_json_type(v) == HUSK_JSON_NUMBER &&
      strcmp(husk_json_number_text(v), "-1") == 0)
    return 0;
  uint64_t s;
  if (spec_get_u64(c, obj, "swappiness", 0, UINT64_MAX, &s) < 0)
    return -1;
  if (s == UINT64_MAX)
    return 0;
  if (s > 100) {
    spec_path_key(c, "swappiness");
    return spec_err(c, "value out of range");
  }
  m->swappiness = s;
  m->has_swappiness = true;
  return 0;
}

static int parse_memory(spec_ctx_t *c, const husk_json_t *obj,
                        husk_memory_t *m) {
  static const char *const keys[] = {"limit", "reservation", "swap", "kernel",
                                     "kernelTCP"};
  int64_t *vals[] = {&m->limit, &m->reservation, &m->swap, &m->kernel,
                     &m->kernel_tcp};
  bool *has[] = {&m->has_limit, &m->has_reservation, &m->has_swap,
                 &m->has_kernel, &m->has_kernel_tcp};
  m->present = true;
  /* Bytes, or -1 for "unlimited". */
  for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
    if (SPEC_GET_OPT(spec_get_i64(c, obj, keys[i], -1, INT64_MAX, vals[i]),
                     *has[i]) < 0)
      return -1;
  if (get_swappiness(c, obj, m) < 0 ||
      SPEC_GET_OPT(
          spec_get_bool(c, obj, "disableOOMKiller", &m->disable_oom_killer),
          m->has_disable_oom_killer) < 0 ||
      SPEC_GET_OPT(spec_get_bool(c, obj, "useHierarchy", &m->use_hierarchy),
                   m->has_use_hierarchy) < 0 ||
      SPEC_GET_OPT(
          spec_get_bool(c, obj, "checkBeforeUpdate", &m->check_before_update),
          m->has_check_before_update) < 0)
    return -1;
  /* swap is memory+swap: it cannot be below the memory limit. */
  if (m->has_limit && m->has_swap && m->limit > 0 && m->swap > 0 &&
      m->swap < m->limit) {
    spec_path_key(c, "swap");
    return spec_err(c, "memory+swap limit is below the memory limit");
  }
  return 0;
}

static int parse_cpu(spec_ctx_t *c, const husk_json_t *obj, husk_cpu_t *p) {
  p->present = true;
  if (SPEC_GET_OPT(spec_get_u64(c, obj, "shares", 0, UINT64_MAX, &p->shares),
                   p->has_shares) < 0 ||
      SPEC_GET_OPT(spec_get_i64(c, obj, "quota", -1, INT64_MAX, &p->quota),
                   p->has_quota) < 0 ||
      SPEC_GET_OPT(spec_get_u64(c, obj, "burst", 0, UINT64_MAX, &p->burst),
                   p->has_burst) < 0 ||
      SPEC_GET_OPT(spec_get_u64(c, obj, "period", 0, UINT64_MAX, &p->period),
                   p->has_period) < 0 ||
      SPEC_GET_OPT(spec_get_i64(c, obj, "realtimeRuntime", INT64_MIN, INT64_MAX,
                                &p->realtime_runtime),
                   p->has_realtime_runtime) < 0 ||
      SPEC_GET_OPT(spec_get_u64(c, obj, "realtimePeriod", 0, UINT64_MAX,
                                &p->realtime_period),
                   p->has_realtime_period) < 0 ||
      SPEC_GET_OPT(spec_get_i64(c, obj, "idle", INT64_MIN, INT64_MAX, &p->idle),
                   p->has_idle) < 0 ||
      spec_get_id_list(c, obj, "cpus", "CPU list", &p->cpus) < 0 ||
      spec_get_id_list(c, obj, "mems", "node list", &p->mems) < 0)
    return -1;
  return 0;
}

static int parse_pids(spec_ctx_t *c, const husk_json_t *obj,
                      husk_resources_t *r) {
  return SPEC_GET_OPT(spec_get_i64(c, obj, "limit", INT64_MIN, INT64_MAX,
                                   &r->pids_limit),
                      r->has_pids_limit) < 0
             ? -1
             : 0;
}

/* ---- blockIO ---- */

/* Weights are 10..1000 (blkio.weight / io.bfq.weight). */
static int get_weight(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                      bool *has, uint16_t *out) {
  uint64_t v;
  int r = spec_get_u64(c, obj, key, 10, 1000, &v);
  if (r > 0) {
    *has = true;
    *out = (uint16_t)v;
  }
  return r < 0 ? -1 : 0;
}

static int get_major_minor(spec_ctx_t *c, const husk_json_t *obj,
                           int64_t *major, int64_t *minor) {
  if (spec_require(c, obj, "major") < 0 || spec_require(c, obj, "minor") < 0 ||
      spec_get_i64(c, obj, "major", 0, DEV_MAX, major) < 0 ||
      spec_get_i64(c, obj, "minor", 0, DEV_MAX, minor) < 0)
    return -1;
  return 0;
}

static int parse_weight_device(spec_ctx_t *c, const husk_json_t *elem,
                               void *item) {
  husk_weight_device_t *w = item;
  if (get_major_minor(c, elem, &w->major, &w->minor) < 0 ||
      get_weight(c, elem, "weight", &w->has_weight, &w->weight) < 0 ||
      get_weight(c, elem, "leafWeight", &w->has_leaf_weight, &w->leaf_weight) <
          0)
    return -1;
  return 0;
}

static int parse_throttle(spec_ctx_t *c, const husk_json_t *elem, void *item) {
  husk_throttle_device_t *t = item;
  if (get_major_minor(c, elem, &t->major, &t->minor) < 0 ||
      spec_get_u64(c, elem, "rate", 0, UINT64_MAX, &t->rate) < 0)
    return -1;
  return 0;
}

static int parse_blkio(spec_ctx_t *c, const husk_json_t *obj, husk_blkio_t *b) {
  static const char *const keys[] = {
      "throttleReadBpsDevice", "throttleWriteBpsDevice",
      "throttleReadIOPSDevice", "throttleWriteIOPSDevice"};
  husk_throttle_list_t *lists[] = {
      &b->throttle_read_bps, &b->throttle_write_bps, &b->throttle_read_iops,
      &b->throttle_write_iops};
  b->present = true;
  if (get_weight(c, obj, "weight", &b->has_weight, &b->weight) < 0 ||
      get_weight(c, obj, "leafWeight", &b->has_leaf_weight, &b->leaf_weight) <
          0 ||
      spec_get_array_of(c, obj, "weightDevice", sizeof(husk_weight_device_t),
                        true, &b->weight_device, &b->n_weight_device,
                        parse_weight_device) < 0)
    return -1;
  for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
    if (spec_get_array_of(c, obj, keys[i], sizeof(husk_throttle_device_t), true,
                          &lists[i]->items, &lists[i]->len, parse_throttle) < 0)
      return -1;
  return 0;
}

/* ---- hugepageLimits, network, rdma, unified ---- */

/* "2MB", "1GB": ^[1-9][0-9]*[KMG]B$ as in the schema. */
static bool valid_page_size(const char *s) {
  if (*s < '1' || *s > '9')
    return false;
  while (*s >= '0' && *s <= '9')
    s++;
  return s[0] && strchr("KMG", s[0]) && s[1] == 'B' && s[2] == '\0';
}

static int parse_hugepage(spec_ctx_t *c, const husk_json_t *elem, void *item) {
  husk_hugepage_limit_t *h = item;
  if (spec_require(c, elem, "pageSize") < 0 ||
      spec_require(c, elem, "limit") < 0 ||
      spec_get_string(c, elem, "pageSize", &h->page_size) < 0 ||
      spec_get_u64(c, elem, "limit", 0, UINT64_MAX, &h->limit) < 0)
    return -1;
  if (valid_page_size(h->page_size))
    return 0;
  spec_path_key(c, "pageSize");
  return spec_err(c, "invalid page size %s (expected e.g. \"2MB\")",
                  SPEC_Q(h->page_size));
}

static int parse_priority(spec_ctx_t *c, const husk_json_t *elem, void *item) {
  husk_net_priority_t *p = item;
  if (spec_require(c, elem, "name") < 0 ||
      spec_require(c, elem, "priority") < 0 ||
      spec_get_string(c, elem, "name", &p->name) < 0 ||
      spec_get_u32(c, elem, "priority", &p->priority) < 0)
    return -1;
  return 0;
}

static int parse_network(spec_ctx_t *c, const husk_json_t *obj,
                         husk_network_t *n) {
  n->present = true;
  if (SPEC_GET_OPT(spec_get_u32(c, obj, "classID", &n->class_id),
                   n->has_class_id) < 0 ||
      spec_get_array_of(c, obj, "priorities", sizeof(husk_net_priority_t), true,
                        &n->priorities, &n->n_priorities, parse_priority) < 0)
    return -1;
  return 0;
}

static int parse_rdma(spec_ctx_t *c, const char *name, const husk_json_t *val,
                      void *item) {
  husk_rdma_t *r = item;
  if (!(r->device = strdup(name)))
    return husk_error_set(c->err, ENOMEM, "%s", c->what);
  if (SPEC_GET_OPT(spec_get_u32(c, val, "hcaHandles", &r->hca_handles),
                   r->has_hca_handles) < 0 ||
      SPEC_GET_OPT(spec_get_u32(c, val, "hcaObjects", &r->hca_objects),
                   r->has_hca_objects) < 0)
    return -1;
  return 0;
}

/* unified keys become file names in the container's cgroup directory: no
 * path separators, no dot files (which would include "." and ".."). */
static int check_unified(spec_ctx_t *c, const husk_kvlist_t *u) {
  for (size_t i = 0; i < u->len; i++) {
    const char *k = u->items[i].key;
    if (k[0] && k[0] != '.' && !strchr(k, '/'))
      continue;
    spec_path_key(c, "unified");
    spec_path_map_key(c, k);
    return spec_err(c, "invalid cgroup file name");
  }
  return 0;
}

int spec_parse_resources(spec_ctx_t *c, const husk_json_t *obj,
                         husk_resources_t *r) {
  r->present = true;
  if (spec_get_array_of(c, obj, "devices", sizeof(husk_device_rule_t), true,
                        &r->devices, &r->n_devices, parse_device_rule) < 0 ||
      SPEC_SUB_OBJECT(c, obj, "memory", parse_memory, &r->memory) < 0 ||
      SPEC_SUB_OBJECT(c, obj, "cpu", parse_cpu, &r->cpu) < 0 ||
      SPEC_SUB_OBJECT(c, obj, "pids", parse_pids, r) < 0 ||
      SPEC_SUB_OBJECT(c, obj, "blockIO", parse_blkio, &r->block_io) < 0 ||
      spec_get_array_of(c, obj, "hugepageLimits", sizeof(husk_hugepage_limit_t),
                        true, &r->hugepage_limits, &r->n_hugepage_limits,
                        parse_hugepage) < 0 ||
      SPEC_SUB_OBJECT(c, obj, "network", parse_network, &r->network) < 0 ||
      spec_get_map_of(c, obj, "rdma", sizeof(husk_rdma_t), true, &r->rdma,
                      &r->n_rdma, parse_rdma) < 0 ||
      spec_get_kvlist(c, obj, "unified", &r->unified) < 0)
    return -1;
  return check_unified(c, &r->unified);
}
