#include "linux/scheduling.h"

#include <errno.h>
#include <limits.h>
#include <linux/ioprio.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/fs.h"
#include "util/log.h"

/* From <linux/mempolicy.h>, whose names clash with <numaif.h> users. */
#define HUSK_MPOL_F_NUMA_BALANCING (1 << 13)
#define HUSK_MPOL_F_RELATIVE_NODES (1 << 14)
#define HUSK_MPOL_F_STATIC_NODES (1 << 15)

#define BITS_PER_LONG (8 * sizeof(unsigned long))
/* Node masks as large as the kernel's largest MAX_NUMNODES (1 << 10). */
#define NODE_BITS 1024

/* ---- oomScoreAdj ---- */

static int read_int_at(int dirfd, const char *path, int *out) {
  char *buf = NULL;
  size_t len;
  husk_error_t *e = NULL;
  int rc = husk_read_file_at(dirfd, path, 64, &buf, &len, &e);
  husk_error_free(e);
  if (rc < 0)
    return -1;
  char *end;
  long v = strtol(buf, &end, 10);
  rc = end == buf ? -1 : 0;
  free(buf);
  *out = (int)v;
  return rc;
}

static int set_oom_score_adj(const husk_process_t *p, int procfd,
                             husk_error_t **err) {
  if (!p->has_oom_score_adj)
    return 0;
  int now = 0;
  bool known = read_int_at(procfd, "self/oom_score_adj", &now) == 0;
  if (known && now == p->oom_score_adj)
    return 0;
  char buf[16];
  int n = snprintf(buf, sizeof buf, "%d", p->oom_score_adj);
  husk_error_t *e = NULL;
  if (husk_write_file_at(procfd, "self/oom_score_adj", buf, n, &e) == 0)
    return 0;
  int errno_value = e ? e->errno_value : EIO;
  husk_error_free(e);
  /* The kernel lets a process lower its score only with CAP_SYS_RESOURCE
   * (raising it is always allowed). */
  if (errno_value == EACCES && known && p->oom_score_adj < now)
    return husk_error_set(err, errno_value,
                          "config.json: process.oomScoreAdj: lowering it "
                          "from %d to %d needs CAP_SYS_RESOURCE, which husk "
                          "does not have",
                          now, p->oom_score_adj);
  return husk_error_set(err, errno_value,
                        "config.json: process.oomScoreAdj: write %d to "
                        "/proc/self/oom_score_adj",
                        p->oom_score_adj);
}

/* ---- ioPriority, scheduler ---- */

/* sched_setattr(2)'s argument, version 1 (56 bytes); <linux/sched/types.h>
 * cannot be included next to <sched.h>. */
struct husk_sched_attr {
  uint32_t size, sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime, sched_deadline, sched_period;
  uint32_t sched_util_min, sched_util_max;
};

static int apply_ioprio(const husk_ioprio_t *io, husk_error_t **err) {
  if (!io->present)
    return 0;
  int value = IOPRIO_PRIO_VALUE(io->class, io->priority);
  if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, value) < 0)
    return husk_error_errno(err, "config.json: process.ioPriority");
  return 0;
}

static int apply_sched(const husk_sched_t *s, husk_error_t **err) {
  if (!s->present)
    return 0;
  struct husk_sched_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.size = sizeof attr;
  attr.sched_policy = s->policy;
  attr.sched_flags = s->flags;
  attr.sched_nice = s->nice;
  attr.sched_priority = s->priority;
  attr.sched_runtime = s->runtime;
  attr.sched_deadline = s->deadline;
  attr.sched_period = s->period;
  if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
    return husk_error_errno(err, "config.json: process.scheduler");
  return 0;
}

int husk_sched_apply(const husk_process_t *proc, int procfd,
                     husk_error_t **err) {
  if (set_oom_score_adj(proc, procfd, err) < 0 ||
      apply_sched(&proc->scheduler, err) < 0)
    return -1;
  return apply_ioprio(&proc->io_priority, err);
}

/* ---- id lists ---- */

static int parse_num(const char **p, unsigned long *out) {
  if (**p < '0' || **p > '9')
    return -1;
  char *end;
  errno = 0;
  *out = strtoul(*p, &end, 10);
  if (errno)
    return -1;
  *p = end;
  return 0;
}

int husk_parse_id_list(const char *list, unsigned long *bits, size_t nbits) {
  memset(bits, 0, (nbits + BITS_PER_LONG - 1) / BITS_PER_LONG * sizeof *bits);
  const char *p = list;
  while (*p) {
    unsigned long lo, hi;
    if (parse_num(&p, &lo) < 0)
      goto bad;
    hi = lo;
    if (*p == '-') {
      p++;
      if (parse_num(&p, &hi) < 0 || hi < lo)
        goto bad;
    }
    if (*p == ',' && p[1])
      p++;
    else if (*p)
      goto bad;
    if (hi >= nbits) {
      errno = ERANGE;
      return -1;
    }
    for (unsigned long i = lo; i <= hi; i++)
      bits[i / BITS_PER_LONG] |= 1UL << (i % BITS_PER_LONG);
  }
  return 0;
bad:
  errno = EINVAL;
  return -1;
}

/* ---- execCPUAffinity ---- */

static int set_affinity(const char *list, const char *key, husk_error_t **err) {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (!list || !list[0]) {
    /* Everything: the kernel narrows it to what the cpuset allows. */
    for (int i = 0; i < CPU_SETSIZE; i++)
      CPU_SET(i, &set);
  } else if (husk_parse_id_list(list, (unsigned long *)&set, CPU_SETSIZE) < 0) {
    return husk_error_errno(err,
                            "process.execCPUAffinity.%s: "
                            "\"%s\"",
                            key, list);
  }
  if (sched_setaffinity(0, sizeof set, &set) < 0)
    return husk_error_errno(err,
                            "process.execCPUAffinity.%s: "
                            "\"%s\" (are these CPUs online and in the "
                            "container's cpuset?)",
                            key, list ? list : "");
  husk_debug("execCPUAffinity.%s: %s", key, list && list[0] ? list : "all");
  return 0;
}

int husk_affinity_initial(const husk_process_t *proc, husk_error_t **err) {
  const char *initial = proc->exec_cpu_affinity.initial;
  if (!initial || !initial[0])
    return 0;
  return set_affinity(initial, "initial", err);
}

int husk_affinity_final(const husk_process_t *proc, husk_error_t **err) {
  const husk_cpu_affinity_t *a = &proc->exec_cpu_affinity;
  if (a->final && a->final[0])
    return set_affinity(a->final, "final", err);
  /* Only `initial`: the process must not stay on the runtime's CPUs. */
  if (a->initial && a->initial[0])
    return set_affinity(NULL, "final", err);
  return 0;
}

/* ---- linux.memoryPolicy ---- */

static const struct {
  const char *name;
  int value;
} mpol_modes[] = {
    {"MPOL_DEFAULT", 0},
    {"MPOL_PREFERRED", 1},
    {"MPOL_BIND", 2},
    {"MPOL_INTERLEAVE", 3},
    {"MPOL_LOCAL", 4},
    {"MPOL_PREFERRED_MANY", 5},
    {"MPOL_WEIGHTED_INTERLEAVE", 6},
};

static const struct {
  const char *name;
  int value;
} mpol_flags[] = {
    {"MPOL_F_NUMA_BALANCING", HUSK_MPOL_F_NUMA_BALANCING},
    {"MPOL_F_RELATIVE_NODES", HUSK_MPOL_F_RELATIVE_NODES},
    {"MPOL_F_STATIC_NODES", HUSK_MPOL_F_STATIC_NODES},
};

int husk_mempolicy_apply(const husk_memory_policy_t *mp, husk_error_t **err) {
  if (!mp->present)
    return 0;
  int mode = -1;
  for (size_t i = 0; i < sizeof mpol_modes / sizeof *mpol_modes; i++)
    if (!strcmp(mp->mode, mpol_modes[i].name))
      mode = mpol_modes[i].value;
  if (mode < 0)
    return husk_error_set(err, EINVAL, "config.json: linux.memoryPolicy.mode");
  for (size_t f = 0; f < mp->flags.len; f++)
    for (size_t i = 0; i < sizeof mpol_flags / sizeof *mpol_flags; i++)
      if (!strcmp(mp->flags.items[f], mpol_flags[i].name))
        mode |= mpol_flags[i].value;
  unsigned long nodes[NODE_BITS / BITS_PER_LONG];
  memset(nodes, 0, sizeof nodes);
  bool has_nodes = mp->nodes && mp->nodes[0];
  if (has_nodes && husk_parse_id_list(mp->nodes, nodes, NODE_BITS) < 0)
    return husk_error_errno(
        err, "config.json: linux.memoryPolicy.nodes: \"%s\"", mp->nodes);
  /* maxnode counts one more than the bits passed, as the kernel reads it. */
  if (syscall(SYS_set_mempolicy, mode, has_nodes ? nodes : NULL,
              has_nodes ? NODE_BITS + 1 : 0) < 0)
    return husk_error_errno(err,
                            "config.json: linux.memoryPolicy: set_mempolicy "
                            "%s%s%s",
                            mp->mode, has_nodes ? " on nodes " : "",
                            has_nodes ? mp->nodes : "");
  return 0;
}
