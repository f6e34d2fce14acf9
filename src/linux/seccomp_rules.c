#include "linux/seccomp_rules.h"

#include <ctype.h>
#include <errno.h>
#include <linux/seccomp.h>
#include <string.h>

uint32_t husk_seccomp_action_value(husk_seccomp_action_t a, bool has_errno,
                                   uint32_t errno_ret) {
  uint32_t data = has_errno ? errno_ret : EPERM;
  switch (a) {
  case HUSK_SECCOMP_KILL:
  case HUSK_SECCOMP_KILL_THREAD:
    return SCMP_ACT_KILL_THREAD;
  case HUSK_SECCOMP_KILL_PROCESS:
    return SCMP_ACT_KILL_PROCESS;
  case HUSK_SECCOMP_TRAP:
    return SCMP_ACT_TRAP;
  case HUSK_SECCOMP_ERRNO:
    return SCMP_ACT_ERRNO(data);
  case HUSK_SECCOMP_TRACE:
    return SCMP_ACT_TRACE(data);
  case HUSK_SECCOMP_LOG:
    return SCMP_ACT_LOG;
  case HUSK_SECCOMP_NOTIFY:
    return SCMP_ACT_NOTIFY;
  case HUSK_SECCOMP_ALLOW:
  default:
    return SCMP_ACT_ALLOW;
  }
}

bool husk_seccomp_action_takes_errno(husk_seccomp_action_t a) {
  return a == HUSK_SECCOMP_ERRNO || a == HUSK_SECCOMP_TRACE;
}

enum scmp_compare husk_seccomp_op_value(husk_seccomp_op_t op) {
  static const enum scmp_compare ops[HUSK_SECCOMP_OP_COUNT] = {
      [HUSK_SECCOMP_OP_NE] = SCMP_CMP_NE,
      [HUSK_SECCOMP_OP_LT] = SCMP_CMP_LT,
      [HUSK_SECCOMP_OP_LE] = SCMP_CMP_LE,
      [HUSK_SECCOMP_OP_EQ] = SCMP_CMP_EQ,
      [HUSK_SECCOMP_OP_GE] = SCMP_CMP_GE,
      [HUSK_SECCOMP_OP_GT] = SCMP_CMP_GT,
      [HUSK_SECCOMP_OP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
  };
  return op < HUSK_SECCOMP_OP_COUNT ? ops[op] : _SCMP_CMP_MIN;
}

struct scmp_arg_cmp husk_seccomp_arg_cmp(const husk_seccomp_arg_t *a) {
  struct scmp_arg_cmp c = {
      .arg = a->index,
      .op = husk_seccomp_op_value(a->op),
      .datum_a = a->value,
      .datum_b = a->op == HUSK_SECCOMP_OP_MASKED_EQ ? a->value_two : 0,
  };
  return c;
}

bool husk_seccomp_args_repeat_index(const husk_seccomp_arg_t *args, size_t n) {
  unsigned seen = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned bit = 1U << (args[i].index & 31);
    if (seen & bit)
      return true;
    seen |= bit;
  }
  return false;
}

uint32_t husk_seccomp_arch_token(const char *name) {
  static const char prefix[] = "SCMP_ARCH_";
  if (strncmp(name, prefix, sizeof prefix - 1))
    return 0;
  /* libseccomp names them in lower case: "x86_64", "mipsel64n32". */
  char lower[32];
  const char *s = name + sizeof prefix - 1;
  size_t n = strlen(s);
  if (n == 0 || n >= sizeof lower)
    return 0;
  for (size_t i = 0; i <= n; i++)
    lower[i] = (char)tolower((unsigned char)s[i]);
  return seccomp_arch_resolve_name(lower);
}

unsigned long husk_seccomp_flag_bit(const char *name) {
  static const struct {
    const char *name;
    unsigned long bit;
  } flags[] = {
      {"SECCOMP_FILTER_FLAG_TSYNC", 1UL << 0},
      {"SECCOMP_FILTER_FLAG_LOG", 1UL << 1},
      {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", 1UL << 2},
      {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 1UL << 5},
  };
  for (size_t i = 0; i < sizeof flags / sizeof *flags; i++)
    if (!strcmp(flags[i].name, name))
      return flags[i].bit;
  return 0;
}
