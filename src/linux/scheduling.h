/* process.scheduler and process.ioPriority. */
#ifndef HUSK_SCHEDULING_H
#define HUSK_SCHEDULING_H

#include "husk/error.h"
#include "husk/spec.h"

int husk_sched_apply(const husk_process_t *proc, husk_error_t **err);

#endif
