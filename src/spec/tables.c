/* Name tables shared by the parser, the setup code and `husk features`, so
 * what husk accepts and what it advertises cannot drift apart. */
#include <sched.h>
#include <stddef.h>
#include <sys/resource.h>

#include "husk/spec.h"

/* Order = husk_ns_type_t. */
const husk_ns_info_t husk_ns_table[HUSK_NS_COUNT] = {
    [HUSK_NS_PID] = {"pid", "pid", CLONE_NEWPID},
    [HUSK_NS_NET] = {"network", "net", CLONE_NEWNET},
    [HUSK_NS_IPC] = {"ipc", "ipc", CLONE_NEWIPC},
    [HUSK_NS_UTS] = {"uts", "uts", CLONE_NEWUTS},
    [HUSK_NS_MOUNT] = {"mount", "mnt", CLONE_NEWNS},
    [HUSK_NS_CGROUP] = {"cgroup", "cgroup", CLONE_NEWCGROUP},
    [HUSK_NS_USER] = {"user", "user", CLONE_NEWUSER},
    [HUSK_NS_TIME] = {"time", "time", CLONE_NEWTIME},
};

const char *const husk_seccomp_action_names[HUSK_SECCOMP_ACTION_COUNT] = {
    [HUSK_SECCOMP_KILL] = "SCMP_ACT_KILL",
    [HUSK_SECCOMP_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
    [HUSK_SECCOMP_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
    [HUSK_SECCOMP_TRAP] = "SCMP_ACT_TRAP",
    [HUSK_SECCOMP_ERRNO] = "SCMP_ACT_ERRNO",
    [HUSK_SECCOMP_TRACE] = "SCMP_ACT_TRACE",
    [HUSK_SECCOMP_ALLOW] = "SCMP_ACT_ALLOW",
    [HUSK_SECCOMP_LOG] = "SCMP_ACT_LOG",
    [HUSK_SECCOMP_NOTIFY] = "SCMP_ACT_NOTIFY",
};

const char *const husk_seccomp_op_names[HUSK_SECCOMP_OP_COUNT] = {
    [HUSK_SECCOMP_OP_NE] = "SCMP_CMP_NE",
    [HUSK_SECCOMP_OP_LT] = "SCMP_CMP_LT",
    [HUSK_SECCOMP_OP_LE] = "SCMP_CMP_LE",
    [HUSK_SECCOMP_OP_EQ] = "SCMP_CMP_EQ",
    [HUSK_SECCOMP_OP_GE] = "SCMP_CMP_GE",
    [HUSK_SECCOMP_OP_GT] = "SCMP_CMP_GT",
    [HUSK_SECCOMP_OP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

/* The architectures of the runtime-spec plus those libseccomp added since;
 * lower-cased without the prefix they are libseccomp's own names. */
const char *const husk_seccomp_arch_names[] = {
    "SCMP_ARCH_X86",         "SCMP_ARCH_X86_64",   "SCMP_ARCH_X32",
    "SCMP_ARCH_ARM",         "SCMP_ARCH_AARCH64",  "SCMP_ARCH_LOONGARCH64",
    "SCMP_ARCH_M68K",        "SCMP_ARCH_MIPS",     "SCMP_ARCH_MIPS64",
    "SCMP_ARCH_MIPS64N32",   "SCMP_ARCH_MIPSEL",   "SCMP_ARCH_MIPSEL64",
    "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",      "SCMP_ARCH_PPC64",
    "SCMP_ARCH_PPC64LE",     "SCMP_ARCH_S390",     "SCMP_ARCH_S390X",
    "SCMP_ARCH_PARISC",      "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",
    "SCMP_ARCH_SH",          "SCMP_ARCH_SHEB",     NULL,
};

const char *const husk_seccomp_flag_names[] = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    NULL,
};

/* Indexed by the RLIMIT_* value, so husk_rlimit_names[r] names resource r. */
const char *const husk_rlimit_names[] = {
    [RLIMIT_CPU] = "RLIMIT_CPU",
    [RLIMIT_FSIZE] = "RLIMIT_FSIZE",
    [RLIMIT_DATA] = "RLIMIT_DATA",
    [RLIMIT_STACK] = "RLIMIT_STACK",
    [RLIMIT_CORE] = "RLIMIT_CORE",
    [RLIMIT_RSS] = "RLIMIT_RSS",
    [RLIMIT_NPROC] = "RLIMIT_NPROC",
    [RLIMIT_NOFILE] = "RLIMIT_NOFILE",
    [RLIMIT_MEMLOCK] = "RLIMIT_MEMLOCK",
    [RLIMIT_AS] = "RLIMIT_AS",
    [RLIMIT_LOCKS] = "RLIMIT_LOCKS",
    [RLIMIT_SIGPENDING] = "RLIMIT_SIGPENDING",
    [RLIMIT_MSGQUEUE] = "RLIMIT_MSGQUEUE",
    [RLIMIT_NICE] = "RLIMIT_NICE",
    [RLIMIT_RTPRIO] = "RLIMIT_RTPRIO",
    [RLIMIT_RTTIME] = "RLIMIT_RTTIME",
    [RLIMIT_NLIMITS] = NULL,
};
_Static_assert(RLIMIT_NLIMITS == 16, "husk_rlimit_names lists 16 limits");
