/* linux: namespaces, id mappings, time offsets, devices, propagation, paths,
 * personality, intelRdt, memoryPolicy and netDevices. resources and seccomp
 * have their own files. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "spec/parse_util.h"
#include "util/cleanup.h"

/* ---- namespaces ---- */

static int parse_namespace(spec_ctx_t *c, const husk_json_t *elem, void *item) {
  husk_namespace_t *ns = item;
  _cleanup_free_ char *type = NULL;
  if (spec_require(c, elem, "type") < 0 ||
      spec_get_string(c, elem, "type", &type) < 0)
    return -1;
  int t = -1;
  for (int i = 0; i < HUSK_NS_COUNT && t < 0; i++)
    if (strcmp(husk_ns_table[i].name, type) == 0)
      t = i;
  if (t < 0) {
    spec_path_key(c, "type");
    return spec_err(c, "unknown namespace %s", SPEC_Q(type));
  }
  ns->type = (husk_ns_type_t)t;
  /* "" means "create a new one", as runc reads it. */
  const husk_json_t *path = spec_lookup(elem, "path");
  if (path && husk_json_type(path) == HUSK_JSON_STRING &&
      !husk_json_string(path)[0])
    return 0;
  return spec_get_abs_path(c, elem, "path", false, &ns->path) < 0 ? -1 : 0;
}

static int parse_namespaces(spec_ctx_t *c, const husk_json_t *obj,
                            husk_linux_t *l) {
  if (spec_get_array_of(c, obj, "namespaces", sizeof(husk_namespace_t), true,
                        &l->namespaces, &l->n_namespaces, parse_namespace) < 0)
    return -1;
  unsigned seen = 0;
  for (size_t i = 0; i < l->n_namespaces; i++) {
    unsigned bit = 1u << l->namespaces[i].type;
    if (seen & bit) {
      spec_path_key(c, "namespaces");
      spec_path_index(c, i);
      spec_path_key(c, "type");
      return spec_err(c, "duplicate namespace %s",
                      SPEC_Q(husk_ns_table[l->namespaces[i].type].name));
    }
    seen |= bit;
  }
  return 0;
}

static bool has_namespace(const husk_linux_t *l, husk_ns_type_t t) {
  for (size_t i = 0; i < l->n_namespaces; i++)
    if (l->namespaces[i].type == t)
      return true;
  return false;
}

/* A key that only makes sense with a given namespace listed. */
static int need_namespace(spec_ctx_t *c, const husk_linux_t *l, bool used,
                          const char *key, husk_ns_type_t t) {
  if (!used || has_namespace(l, t))
    return 0;
  spec_path_key(c, key);
  return spec_err(c, "requires a %s namespace in linux.namespaces",
                  husk_ns_table[t].name);
}

/* ---- timeOffsets ---- */

static int parse_time_offset(spec_ctx_t *c, const char *clock,
                             const husk_json_t *v, husk_linux_t *l) {
  husk_time_offset_t *t = NULL;
  if (strcmp(clock, "boottime") == 0)
    t = &l->time_boottime;
  else if (strcmp(clock, "monotonic") == 0)
    t = &l->time_monotonic;
  else
    return spec_err(c, "unknown clock (expected \"boottime\" or "
                       "\"monotonic\")");
  uint64_t nsec = 0;
  if (spec_check_type(c, v, HUSK_JSON_OBJECT) < 0 ||
      spec_get_i64(c, v, "secs", INT64_MIN, INT64_MAX, &t->secs) < 0 ||
      spec_get_u64(c, v, "nanosecs", 0, 999999999, &nsec) < 0)
    return -1;
  t->nanosecs = (uint32_t)nsec;
  t->present = true;
  return 0;
}

static int parse_time_offsets(spec_ctx_t *c, const husk_json_t *obj,
                              husk_linux_t *l) {
  const husk_json_t *map;
  int r = spec_get_object(c, obj, "timeOffsets", &map);
  if (r <= 0)
    return r;
  size_t mark = spec_path_key(c, "timeOffsets");
  for (size_t i = 0; r >= 0 && i < husk_json_object_len(map); i++) {
    const char *clock = husk_json_object_key(map, i);
    size_t m = spec_path_map_key(c, clock);
    r = parse_time_offset(c, clock, husk_json_object_value(map, i), l);
    spec_path_pop(c, m);
  }
  spec_path_pop(c, mark);
  return r < 0 ? -1 : 0;
}

/* ---- devices ---- */

static int parse_device(spec_ctx_t *c, const husk_json_t *elem, void *item) {
  husk_device_t *d = item;
  _cleanup_free_ char *type = NULL;
  uint64_t mode;
  if (spec_require(c, elem, "type") < 0 ||
      spec_get_string(c, elem, "type", &type) < 0)
    return -1;
  if (strlen(type) != 1 || !strchr("cbup", type[0])) {
    spec_path_key(c, "type");
    return spec_err(c, "unknown device type %s (expected c, b, u or p)",
                    SPEC_Q(type));
  }
  d->type = type[0];
  if (spec_get_abs_path(c, elem, "path", true, &d->path) < 0)
    return -1;
  /* A FIFO has no device number; the others need both halves. */
  if (d->type != 'p') {
    const char *need = !spec_lookup(elem, "major")   ? "major"
                       : !spec_lookup(elem, "minor") ? "minor"
                                                     : NULL;
    if (need) {
      spec_path_key(c, need);
      return spec_err(c, "required for a device of type %c", d->type);
    }
  }
  if (spec_get_i64(c, elem, "major", 0, UINT32_MAX, &d->major) < 0 ||
      spec_get_i64(c, elem, "minor", 0, UINT32_MAX, &d->minor) < 0)
    return -1;
  int r = spec_get_u64(c, elem, "fileMode", 0, 07777, &mode);
  if (r < 0)
    return -1;
  d->has_file_mode = r > 0;
  d->file_mode = (uint32_t)mode;
  if (SPEC_GET_OPT(spec_get_u32(c, elem, "uid", &d->uid), d->has_uid) < 0 ||
      SPEC_GET_OPT(spec_get_u32(c, elem, "gid", &d->gid), d->has_gid) < 0)
    return -1;
  return 0;
}

/* ---- rootfsPropagation ---- */

static int parse_propagation(spec_ctx_t *c, const husk_json_t *obj,
                             husk_linux_t *l) {
  static const struct {
    const char *name;
    unsigned long flags;
  } modes[] = {
      {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
      {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
      {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
      {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
  };
  int r = spec_get_string(c, obj, "rootfsPropagation", &l->rootfs_propagation);
  if (r <= 0)
    return r;
  for (size_t i = 0; i < sizeof modes / sizeof *modes; i++)
    if (strcmp(modes[i].name, l->rootfs_propagation) == 0) {
      l->rootfs_propagation_flags = modes[i].flags;
      return 0;
    }
  spec_path_key(c, "rootfsPropagation");
  return spec_err(c, "unknown propagation %s", SPEC_Q(l->rootfs_propagation));
}

static int get_abs_paths(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                         husk_strv_t *out) {
  if (spec_get_strv(c, obj, key, out) < 0)
    return -1;
  for (size_t i = 0; i < out->len; i++) {
    if (out->items[i][0] == '/')
      continue;
    spec_path_key(c, key);
    spec_path_index(c, i);
    return spec_check_abs_path(c, out->items[i]);
  }
  return 0;
}

/* ---- personality, intelRdt, memoryPolicy ---- */

static int parse_personality(spec_ctx_t *c, const husk_json_t *obj,
                             husk_personality_t *p) {
  p->present = true;
  if (spec_get_string(c, obj, "domain", &p->domain) < 0 ||
      spec_get_strv(c, obj, "flags", &p->flags) < 0)
    return -1;
  if (p->domain && strcmp(p->domain, "LINUX") != 0 &&
      strcmp(p->domain, "LINUX32") != 0) {
    spec_path_key(c, "domain");
    return spec_err(c,
                    "unknown personality domain %s (expected LINUX or "
                    "LINUX32)",
                    SPEC_Q(p->domain));
  }
  /* config-linux.md defines no flag values yet. */
  if (p->flags.len) {
    spec_path_key(c, "flags");
    spec_path_index(c, 0);
    return spec_err(c, "unknown personality flag %s (none are defined)",
                    SPEC_Q(p->flags.items[0]));
  }
  return 0;
}

static int parse_intel_rdt(spec_ctx_t *c, const husk_json_t *obj,
                           husk_intel_rdt_t *r) {
  r->present = true;
  if (spec_get_string(c, obj, "closID", &r->clos_id) < 0 ||
      spec_get_string(c, obj, "l3CacheSchema", &r->l3_cache_schema) < 0 ||
      spec_get_string(c, obj, "memBwSchema", &r->mem_bw_schema) < 0 ||
      spec_get_bool(c, obj, "enableCMT", &r->enable_cmt) < 0 ||
      spec_get_bool(c, obj, "enableMBM", &r->enable_mbm) < 0)
    return -1;
  return 0;
}

static int parse_memory_policy(spec_ctx_t *c, const husk_json_t *obj,
                               husk_memory_policy_t *m) {
  static const char *const modes[] = {"MPOL_DEFAULT",
                                      "MPOL_PREFERRED",
                                      "MPOL_BIND",
                                      "MPOL_INTERLEAVE",
                                      "MPOL_LOCAL",
                                      "MPOL_PREFERRED_MANY",
                                      "MPOL_WEIGHTED_INTERLEAVE",
                                      NULL};
  static const char *const flags[] = {"MPOL_F_NUMA_BALANCING",
                                      "MPOL_F_RELATIVE_NODES",
                                      "MPOL_F_STATIC_NODES", NULL};
  m->present = true;
  if (spec_require(c, obj, "mode") < 0 ||
      spec_get_string(c, obj, "mode", &m->mode) < 0)
    return -1;
  if (spec_name_index(modes, SIZE_MAX, m->mode) < 0) {
    spec_path_key(c, "mode");
    return spec_err(c, "unknown memory policy mode %s", SPEC_Q(m->mode));
  }
  if (spec_get_id_list(c, obj, "nodes", "node list", &m->nodes) < 0)
    return -1;
  return spec_get_enum_strv(c, obj, "flags", flags, "memory policy flag",
                            &m->flags) < 0
             ? -1
             : 0;
}

/* ---- netDevices ---- */

/* The kernel's dev_valid_name(): 1..15 bytes, not "." or "..", and no '/',
 * ':' or whitespace. */
static int check_ifname(spec_ctx_t *c, const char *name) {
  size_t n = strlen(name);
  bool ok = n > 0 && n < 16 && strcmp(name, ".") != 0 &&
            strcmp(name, "..") != 0 && !strpbrk(name, "/: \t\n\v\f\r");
  return ok ? 0 : spec_err(c, "invalid network device name %s", SPEC_Q(name));
}

static int parse_net_device(spec_ctx_t *c, const char *key,
                            const husk_json_t *val, void *item) {
  husk_net_device_t *d = item;
  if (!(d->host_name = strdup(key)))
    return husk_error_set(c->err, ENOMEM, "%s", c->what);
  if (check_ifname(c, key) < 0)
    return -1;
  int r = spec_get_string(c, val, "name", &d->name);
  if (r <= 0)
    return r;
  spec_path_key(c, "name");
  return check_ifname(c, d->name);
}

/* ---- linux ---- */

int spec_parse_linux(spec_ctx_t *c, const husk_json_t *obj, husk_linux_t *l) {
  if (parse_namespaces(c, obj, l) < 0 ||
      spec_get_idmaps(c, obj, "uidMappings", &l->uid_mappings) < 0 ||
      spec_get_idmaps(c, obj, "gidMappings", &l->gid_mappings) < 0)
    return -1;
  if (need_namespace(c, l, l->uid_mappings.len > 0, "uidMappings",
                     HUSK_NS_USER) < 0 ||
      need_namespace(c, l, l->gid_mappings.len > 0, "gidMappings",
                     HUSK_NS_USER) < 0)
    return -1;
  if (parse_time_offsets(c, obj, l) < 0 ||
      spec_get_array_of(c, obj, "devices", sizeof(husk_device_t), true,
                        &l->devices, &l->n_devices, parse_device) < 0 ||
      spec_get_string(c, obj, "cgroupsPath", &l->cgroups_path) < 0 ||
      SPEC_SUB_OBJECT(c, obj, "resources", spec_parse_resources,
                      &l->resources) < 0 ||
      parse_propagation(c, obj, l) < 0 ||
      SPEC_SUB_OBJECT(c, obj, "seccomp", spec_parse_seccomp, &l->seccomp) < 0 ||
      spec_get_kvlist(c, obj, "sysctl", &l->sysctl) < 0 ||
      get_abs_paths(c, obj, "maskedPaths", &l->masked_paths) < 0 ||
      get_abs_paths(c, obj, "readonlyPaths", &l->readonly_paths) < 0 ||
      spec_get_string(c, obj, "mountLabel", &l->mount_label) < 0 ||
      SPEC_SUB_OBJECT(c, obj, "personality", parse_personality,
                      &l->personality) < 0 ||
      SPEC_SUB_OBJECT(c, obj, "intelRdt", parse_intel_rdt, &l->intel_rdt) < 0 ||
      SPEC_SUB_OBJECT(c, obj, "memoryPolicy", parse_memory_policy,
                      &l->memory_policy) < 0 ||
      spec_get_map_of(c, obj, "netDevices", sizeof(husk_net_device_t), true,
                      &l->net_devices, &l->n_net_devices, parse_net_device) < 0)
    return -1;
  return need_namespace(c, l, l->n_net_devices > 0, "netDevices", HUSK_NS_NET);
}
