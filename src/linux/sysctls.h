#ifndef HUSK_SYSCTLS_H
#define HUSK_SYSCTLS_H

#include "husk/error.h"
#include "husk/spec.h"

/* linux.sysctl: only keys isolated by a namespace the container owns are
 * allowed (as runc); written through the trusted procfs fd. */
int husk_sysctl_apply(const husk_spec_t *spec, int procfd, husk_error_t **err);

#endif
