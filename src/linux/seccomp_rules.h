/* linux.seccomp translated into libseccomp's terms: actions, operators,
 * architectures and flags. Pure lookups, so the unit tests can check each
 * mapping without building a filter. */
#ifndef HUSK_SECCOMP_RULES_H
#define HUSK_SECCOMP_RULES_H

#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>

#include "husk/spec.h"

/* The kernel's return value of an action. errno_ret (when has_errno) is the
 * data of ERRNO and TRACE; without it both return EPERM, as runc. */
uint32_t husk_seccomp_action_value(husk_seccomp_action_t a, bool has_errno,
                                   uint32_t errno_ret);
/* Whether errnoRet means something with this action (ERRNO, TRACE). */
bool husk_seccomp_action_takes_errno(husk_seccomp_action_t a);

/* libseccomp's comparison for an operator of the spec. */
enum scmp_compare husk_seccomp_op_value(husk_seccomp_op_t op);
/* One argument comparison. MASKED_EQ: value is the mask and valueTwo what
 * the masked argument must equal, as runc reads them. */
struct scmp_arg_cmp husk_seccomp_arg_cmp(const husk_seccomp_arg_t *a);
/* True when two comparisons of a rule name the same argument: libseccomp
 * cannot AND those, so (as runc) each becomes a rule of its own. */
bool husk_seccomp_args_repeat_index(const husk_seccomp_arg_t *args, size_t n);

/* libseccomp's token of "SCMP_ARCH_X86_64", or 0 if this libseccomp does
 * not know the architecture. */
uint32_t husk_seccomp_arch_token(const char *name);

/* SECCOMP_FILTER_FLAG_* bit of a flag name, 0 if unknown. */
unsigned long husk_seccomp_flag_bit(const char *name);

#endif
