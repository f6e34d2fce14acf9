/* process.capabilities with libcap. */
#ifndef HUSK_CAPS_H
#define HUSK_CAPS_H

#include "husk/error.h"
#include "husk/spec.h"

/* Before the uid change: drop everything outside the bounding set and ask
 * to keep permitted caps across setuid. */
int husk_caps_prepare(const husk_caps_t *caps, husk_error_t **err);
/* After the uid change: set effective/permitted/inheritable exactly, raise
 * ambient. */
int husk_caps_apply(const husk_caps_t *caps, husk_error_t **err);

#endif
