#ifndef HUSK_RLIMITS_H
#define HUSK_RLIMITS_H

#include "husk/error.h"
#include "husk/spec.h"

/* process.rlimits, in order; errors name the limit. */
int husk_rlimits_apply(const husk_process_t *proc, husk_error_t **err);

#endif
