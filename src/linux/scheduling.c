#include "linux/scheduling.h"

#include <errno.h>
#include <linux/ioprio.h>
#include <linux/sched/types.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

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
  struct sched_attr attr;
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

int husk_sched_apply(const husk_process_t *proc, husk_error_t **err) {
  if (apply_sched(&proc->scheduler, err) < 0)
    return -1;
  return apply_ioprio(&proc->io_priority, err);
}
