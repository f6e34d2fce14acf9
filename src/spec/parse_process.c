/* process: user, args, env, cwd, capabilities, rlimits, and the scheduling
 * knobs (oomScoreAdj, ioPriority, scheduler, execCPUAffinity). */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/ioprio.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/resource.h>

#include "spec/parse_util.h"
#include "util/cleanup.h"

/* Values from <linux/sched.h>, which clashes with glibc's <sched.h>. */
#ifndef SCHED_ISO
#define SCHED_ISO 4
#endif
#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif

static const struct {
  const char *name;
  int value;
} sched_policies[] = {
    {"SCHED_OTHER", SCHED_OTHER},
    {"SCHED_FIFO", SCHED_FIFO},
    {"SCHED_RR", SCHED_RR},
    {"SCHED_BATCH", SCHED_BATCH},
    {"SCHED_ISO", SCHED_ISO},
    {"SCHED_IDLE", SCHED_IDLE},
    {"SCHED_DEADLINE", SCHED_DEADLINE},
};

/* Bit i is SCHED_FLAG_<sched_flag_names[i]> in sched_attr.sched_flags. */
static const char *const sched_flag_names[] = {
    "SCHED_FLAG_RESET_ON_FORK",  "SCHED_FLAG_RECLAIM",
    "SCHED_FLAG_DL_OVERRUN",     "SCHED_FLAG_KEEP_POLICY",
    "SCHED_FLAG_KEEP_PARAMS",    "SCHED_FLAG_UTIL_CLAMP_MIN",
    "SCHED_FLAG_UTIL_CLAMP_MAX", NULL,
};

static const struct {
  const char *name;
  int value;
} ioprio_classes[] = {
    {"IOPRIO_CLASS_RT", IOPRIO_CLASS_RT},
    {"IOPRIO_CLASS_BE", IOPRIO_CLASS_BE},
    {"IOPRIO_CLASS_IDLE", IOPRIO_CLASS_IDLE},
};

static int parse_user(spec_ctx_t *c, const husk_json_t *obj, husk_user_t *u) {
  uint64_t umask;
  if (spec_get_u32(c, obj, "uid", &u->uid) < 0 ||
      spec_get_u32(c, obj, "gid", &u->gid) < 0 ||
      spec_get_string(c, obj, "username", &u->username) < 0)
    return -1;
  int r = spec_get_u64(c, obj, "umask", 0, 0777, &umask);
  if (r < 0)
    return -1;
  u->has_umask = r > 0;
  u->umask = (uint32_t)umask;

  const husk_json_t *gids = spec_lookup(obj, "additionalGids");
  if (!gids)
    return 0;
  size_t mark = spec_path_key(c, "additionalGids");
  r = spec_check_type(c, gids, HUSK_JSON_ARRAY);
  size_t n = r < 0 ? 0 : husk_json_array_len(gids);
  if (r == 0 && !(u->additional_gids = calloc(n ? n : 1, sizeof(gid_t))))
    r = husk_error_set(c->err, ENOMEM, "%s", c->what);
  for (size_t i = 0; r == 0 && i < n; i++) {
    uint32_t gid;
    size_t m = spec_path_index(c, i);
    r = spec_val_u32(c, husk_json_array_at(gids, i), &gid);
    spec_path_pop(c, m);
    if (r == 0)
      u->additional_gids[u->n_additional_gids++] = gid;
  }
  spec_path_pop(c, mark);
  return r;
}

static int check_env(spec_ctx_t *c, const char *key, const husk_strv_t *env) {
  for (size_t i = 0; i < env->len; i++) {
    const char *eq = strchr(env->items[i], '=');
    if (eq && eq != env->items[i])
      continue;
    spec_path_key(c, key);
    spec_path_index(c, i);
    return spec_err(c, "%s is not of the form NAME=VALUE",
                    SPEC_Q(env->items[i]));
  }
  return 0;
}

int spec_get_env(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                 husk_strv_t *env) {
  int r = spec_get_strv(c, obj, key, env);
  if (r > 0 && check_env(c, key, env) < 0)
    return -1;
  return r;
}

/* "CAP_" + a name libcap knows. cap_from_name alone is too lenient (it
 * takes numbers, lower case, and "CAP_KILL+ep"), so the name must also
 * come back unchanged from cap_to_name. */
static bool known_capability(const char *name) {
  cap_value_t v;
  if (strncmp(name, "CAP_", 4) != 0 || cap_from_name(name, &v) < 0)
    return false;
  char *back = cap_to_name(v);
  bool ok = back && strcasecmp(back, name) == 0;
  cap_free(back);
  for (const char *p = name; ok && *p; p++)
    ok = (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_';
  return ok;
}

static int parse_caps(spec_ctx_t *c, const husk_json_t *obj,
                      husk_caps_t *caps) {
  static const char *const sets[] = {"bounding", "effective", "inheritable",
                                     "permitted", "ambient"};
  husk_strv_t *dst[] = {&caps->bounding, &caps->effective, &caps->inheritable,
                        &caps->permitted, &caps->ambient};
  caps->present = true;
  for (size_t s = 0; s < 5; s++) {
    if (spec_get_strv(c, obj, sets[s], dst[s]) < 0)
      return -1;
    for (size_t i = 0; i < dst[s]->len; i++) {
      if (known_capability(dst[s]->items[i]))
        continue;
      spec_path_key(c, sets[s]);
      spec_path_index(c, i);
      return spec_err(c, "unknown capability %s", SPEC_Q(dst[s]->items[i]));
    }
  }
  return 0;
}

static int parse_rlimit(spec_ctx_t *c, const husk_json_t *elem, void *item) {
  husk_rlimit_t *rl = item;
  if (spec_require(c, elem, "type") < 0 || spec_require(c, elem, "soft") < 0 ||
      spec_require(c, elem, "hard") < 0)
    return -1;
  if (spec_get_string(c, elem, "type", &rl->name) < 0 ||
      spec_get_u64(c, elem, "soft", 0, UINT64_MAX, &rl->soft) < 0 ||
      spec_get_u64(c, elem, "hard", 0, UINT64_MAX, &rl->hard) < 0)
    return -1;
  rl->resource = spec_name_index(husk_rlimit_names, SIZE_MAX, rl->name);
  if (rl->resource < 0) {
    spec_path_key(c, "type");
    return spec_err(c, "unknown rlimit %s", SPEC_Q(rl->name));
  }
  if (rl->soft > rl->hard) {
    return spec_err(
        c, "%s: soft limit %" PRIu64 " is above the hard limit %" PRIu64,
        rl->name, rl->soft, rl->hard);
  }
  return 0;
}

static int parse_rlimits(spec_ctx_t *c, const husk_json_t *obj,
                         husk_process_t *p) {
  if (spec_get_array_of(c, obj, "rlimits", sizeof(husk_rlimit_t), true,
                        &p->rlimits, &p->n_rlimits, parse_rlimit) < 0)
    return -1;
  /* RLIMIT_* values are small: a bitmap finds duplicates. */
  uint32_t seen = 0;
  for (size_t i = 0; i < p->n_rlimits; i++) {
    uint32_t bit = 1u << p->rlimits[i].resource;
    if (seen & bit) {
      spec_path_key(c, "rlimits");
      spec_path_index(c, i);
      spec_path_key(c, "type");
      return spec_err(c, "duplicate rlimit %s", SPEC_Q(p->rlimits[i].name));
    }
    seen |= bit;
  }
  return 0;
}

static int parse_ioprio(spec_ctx_t *c, const husk_json_t *obj,
                        husk_ioprio_t *io) {
  _cleanup_free_ char *cls = NULL;
  int64_t prio = 0;
  if (spec_require(c, obj, "class") < 0 ||
      spec_get_string(c, obj, "class", &cls) < 0 ||
      spec_get_i64(c, obj, "priority", 0, 7, &prio) < 0)
    return -1;
  io->present = true;
  io->priority = (int)prio;
  for (size_t i = 0; i < sizeof ioprio_classes / sizeof *ioprio_classes; i++)
    if (strcmp(cls, ioprio_classes[i].name) == 0) {
      io->class = ioprio_classes[i].value;
      return 0;
    }
  spec_path_key(c, "class");
  return spec_err(c, "unknown I/O priority class %s", SPEC_Q(cls));
}

static int parse_scheduler(spec_ctx_t *c, const husk_json_t *obj,
                           husk_sched_t *s) {
  _cleanup_free_ char *policy = NULL;
  husk_strv_t flags = {0};
  int64_t nice = 0, prio = 0;
  s->present = true;
  if (spec_require(c, obj, "policy") < 0 ||
      spec_get_string(c, obj, "policy", &policy) < 0 ||
      spec_get_i64(c, obj, "nice", -20, 19, &nice) < 0 ||
      spec_get_i64(c, obj, "priority", INT32_MIN, INT32_MAX, &prio) < 0 ||
      spec_get_u64(c, obj, "runtime", 0, UINT64_MAX, &s->runtime) < 0 ||
      spec_get_u64(c, obj, "deadline", 0, UINT64_MAX, &s->deadline) < 0 ||
      spec_get_u64(c, obj, "period", 0, UINT64_MAX, &s->period) < 0)
    return -1;
  s->nice = (int32_t)nice;
  s->priority = (int32_t)prio;
  s->policy = -1;
  for (size_t i = 0; i < sizeof sched_policies / sizeof *sched_policies; i++)
    if (strcmp(policy, sched_policies[i].name) == 0)
      s->policy = sched_policies[i].value;
  if (s->policy < 0) {
    spec_path_key(c, "policy");
    return spec_err(c, "unknown scheduler policy %s", SPEC_Q(policy));
  }
  int r = spec_get_enum_strv(c, obj, "flags", sched_flag_names,
                             "scheduler flag", &flags);
  for (size_t i = 0; r >= 0 && i < flags.len; i++)
    s->flags |=
        1ull << spec_name_index(sched_flag_names, SIZE_MAX, flags.items[i]);
  spec_strv_free(&flags);
  return r < 0 ? -1 : 0;
}

static int parse_affinity(spec_ctx_t *c, const husk_json_t *obj,
                          husk_cpu_affinity_t *a) {
  if (spec_get_id_list(c, obj, "initial", "CPU list", &a->initial) < 0 ||
      spec_get_id_list(c, obj, "final", "CPU list", &a->final) < 0)
    return -1;
  return 0;
}

static int parse_console_size(spec_ctx_t *c, const husk_json_t *obj,
                              husk_process_t *p) {
  if (spec_require(c, obj, "height") < 0 || spec_require(c, obj, "width") < 0 ||
      spec_get_u32(c, obj, "height", &p->console_height) < 0 ||
      spec_get_u32(c, obj, "width", &p->console_width) < 0)
    return -1;
  p->has_console_size = true;
  return 0;
}

static int parse_args_cwd(spec_ctx_t *c, const husk_json_t *obj,
                          husk_process_t *p) {
  if (spec_require(c, obj, "args") < 0 ||
      spec_get_strv(c, obj, "args", &p->args) < 0)
    return -1;
  if (p->args.len == 0) {
    spec_path_key(c, "args");
    return spec_err(c, "must not be empty");
  }
  return spec_get_abs_path(c, obj, "cwd", true, &p->cwd) < 0 ? -1 : 0;
}

int spec_parse_process(spec_ctx_t *c, const husk_json_t *obj,
                       husk_process_t *p) {
  int64_t oom;
  if (spec_get_bool(c, obj, "terminal", &p->terminal) < 0 ||
      SPEC_SUB_OBJECT(c, obj, "consoleSize", parse_console_size, p) < 0 ||
      SPEC_SUB_OBJECT(c, obj, "user", parse_user, &p->user) < 0 ||
      parse_args_cwd(c, obj, p) < 0 ||
      spec_get_string(c, obj, "commandLine", &p->command_line) < 0 ||
      spec_get_env(c, obj, "env", &p->env) < 0 ||
      SPEC_SUB_OBJECT(c, obj, "capabilities", parse_caps, &p->capabilities) <
          0 ||
      parse_rlimits(c, obj, p) < 0 ||
      spec_get_bool(c, obj, "noNewPrivileges", &p->no_new_privileges) < 0 ||
      spec_get_string(c, obj, "apparmorProfile", &p->apparmor_profile) < 0 ||
      spec_get_string(c, obj, "selinuxLabel", &p->selinux_label) < 0)
    return -1;
  int r = spec_get_i64(c, obj, "oomScoreAdj", -1000, 1000, &oom);
  if (r < 0)
    return -1;
  p->has_oom_score_adj = r > 0;
  p->oom_score_adj = r > 0 ? (int)oom : 0;
  if (SPEC_SUB_OBJECT(c, obj, "ioPriority", parse_ioprio, &p->io_priority) <
          0 ||
      SPEC_SUB_OBJECT(c, obj, "scheduler", parse_scheduler, &p->scheduler) <
          0 ||
      SPEC_SUB_OBJECT(c, obj, "execCPUAffinity", parse_affinity,
                      &p->exec_cpu_affinity) < 0)
    return -1;
  return 0;
}
