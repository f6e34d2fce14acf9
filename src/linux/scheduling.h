/* Where and how the process runs: oomScoreAdj, process.scheduler,
 * process.ioPriority, process.execCPUAffinity and linux.memoryPolicy. */
#ifndef HUSK_SCHEDULING_H
#define HUSK_SCHEDULING_H

#include <stdbool.h>
#include <stddef.h>

#include "husk/error.h"
#include "husk/spec.h"

/* oomScoreAdj (through procfd), scheduler, ioPriority. */
int husk_sched_apply(const husk_process_t *proc, int procfd,
                     husk_error_t **err);

/* "0-3,7" -> bits (nbits of them, cleared first). -1 with errno EINVAL for
 * a malformed list, ERANGE for a number >= nbits. */
int husk_parse_id_list(const char *list, unsigned long *bits, size_t nbits);

/* execCPUAffinity.initial for the runtime process that starts an exec'd
 * process (before it joins the container's cgroup); no-op if absent. */
int husk_affinity_initial(const husk_process_t *proc, husk_error_t **err);
/* execCPUAffinity.final, in the exec'd process right before execve; with
 * only `initial` given, back to every CPU the cgroup allows. */
int husk_affinity_final(const husk_process_t *proc, husk_error_t **err);

/* linux.memoryPolicy: set_mempolicy(2) for the process about to exec. */
int husk_mempolicy_apply(const husk_memory_policy_t *mp, husk_error_t **err);

#endif
