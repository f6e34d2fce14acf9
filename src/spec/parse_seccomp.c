/* linux.seccomp: actions, architectures, flags and syscall rules. Syscall
 * names are not checked here: a name unknown to this libseccomp is skipped
 * when the filter is built, so newer profiles keep working. */
#include <string.h>

#include "spec/parse_util.h"
#include "util/cleanup.h"

/* The syscall argument registers: seccomp sees six. */
#define SECCOMP_MAX_ARGS 6

static int get_action(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                      husk_seccomp_action_t *out) {
  _cleanup_free_ char *name = NULL;
  if (spec_require(c, obj, key) < 0 || spec_get_string(c, obj, key, &name) < 0)
    return -1;
  int i = spec_name_index(husk_seccomp_action_names, HUSK_SECCOMP_ACTION_COUNT,
                          name);
  if (i < 0) {
    spec_path_key(c, key);
    return spec_err(c, "unknown seccomp action %s", SPEC_Q(name));
  }
  *out = (husk_seccomp_action_t)i;
  return 0;
}

static int parse_arg(spec_ctx_t *c, const husk_json_t *elem, void *item) {
  husk_seccomp_arg_t *a = item;
  _cleanup_free_ char *op = NULL;
  uint64_t index;
  if (spec_require(c, elem, "index") < 0 ||
      spec_require(c, elem, "value") < 0 || spec_require(c, elem, "op") < 0 ||
      spec_get_u64(c, elem, "index", 0, SECCOMP_MAX_ARGS - 1, &index) < 0 ||
      spec_get_u64(c, elem, "value", 0, UINT64_MAX, &a->value) < 0 ||
      spec_get_u64(c, elem, "valueTwo", 0, UINT64_MAX, &a->value_two) < 0 ||
      spec_get_string(c, elem, "op", &op) < 0)
    return -1;
  a->index = (uint32_t)index;
  int i = spec_name_index(husk_seccomp_op_names, HUSK_SECCOMP_OP_COUNT, op);
  if (i < 0) {
    spec_path_key(c, "op");
    return spec_err(c, "unknown seccomp operator %s", SPEC_Q(op));
  }
  a->op = (husk_seccomp_op_t)i;
  return 0;
}

static int parse_rule(spec_ctx_t *c, const husk_json_t *elem, void *item) {
  husk_seccomp_rule_t *r = item;
  if (spec_require(c, elem, "names") < 0 ||
      spec_get_strv(c, elem, "names", &r->names) < 0)
    return -1;
  if (r->names.len == 0) {
    spec_path_key(c, "names");
    return spec_err(c, "must not be empty");
  }
  for (size_t i = 0; i < r->names.len; i++) {
    if (r->names.items[i][0])
      continue;
    spec_path_key(c, "names");
    spec_path_index(c, i);
    return spec_err(c, "empty syscall name");
  }
  if (get_action(c, elem, "action", &r->action) < 0 ||
      SPEC_GET_OPT(spec_get_u32(c, elem, "errnoRet", &r->errno_ret),
                   r->has_errno_ret) < 0 ||
      spec_get_array_of(c, elem, "args", sizeof(husk_seccomp_arg_t), true,
                        &r->args, &r->n_args, parse_arg) < 0)
    return -1;
  return 0;
}

/* SCMP_ACT_NOTIFY hands syscalls to an agent: it needs the socket. */
static int check_notify(spec_ctx_t *c, const husk_seccomp_t *s) {
  if (s->listener_path)
    return 0;
  bool notify = s->default_action == HUSK_SECCOMP_NOTIFY;
  for (size_t i = 0; i < s->n_syscalls && !notify; i++)
    notify = s->syscalls[i].action == HUSK_SECCOMP_NOTIFY;
  if (!notify)
    return 0;
  spec_path_key(c, "listenerPath");
  return spec_err(c, "required by SCMP_ACT_NOTIFY");
}

int spec_parse_seccomp(spec_ctx_t *c, const husk_json_t *obj,
                       husk_seccomp_t *s) {
  s->present = true;
  if (get_action(c, obj, "defaultAction", &s->default_action) < 0 ||
      SPEC_GET_OPT(
          spec_get_u32(c, obj, "defaultErrnoRet", &s->default_errno_ret),
          s->has_default_errno_ret) < 0 ||
      spec_get_enum_strv(c, obj, "architectures", husk_seccomp_arch_names,
                         "architecture", &s->architectures) < 0 ||
      spec_get_enum_strv(c, obj, "flags", husk_seccomp_flag_names,
                         "seccomp flag", &s->flags) < 0 ||
      spec_get_string(c, obj, "listenerPath", &s->listener_path) < 0 ||
      spec_get_string(c, obj, "listenerMetadata", &s->listener_metadata) < 0 ||
      spec_get_array_of(c, obj, "syscalls", sizeof(husk_seccomp_rule_t), true,
                        &s->syscalls, &s->n_syscalls, parse_rule) < 0)
    return -1;
  return check_notify(c, s);
}
