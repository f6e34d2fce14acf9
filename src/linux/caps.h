/* process.capabilities with libcap. */
#ifndef HUSK_CAPS_H
#define HUSK_CAPS_H

#include <stdint.h>

#include "husk/error.h"
#include "husk/spec.h"

/* The five sets as bitmasks (bit n = capability n). */
typedef struct {
  uint64_t bounding, effective, permitted, inheritable, ambient;
} husk_cap_masks_t;

/* The running kernel's highest capability number, from
 * <procfd>/sys/kernel/cap_last_cap (read once, then cached). */
int husk_caps_last_cap(int procfd);

/* names -> bitmask of the capabilities numbered up to last_cap; the ones
 * above it go to *unknown (may be NULL). -1 if a name is not a capability
 * (the parser refuses those first). */
int husk_caps_mask(const husk_strv_t *names, int last_cap, uint64_t *mask,
                   uint64_t *unknown);

/* All five sets as the kernel will get them: capabilities above last_cap
 * left out (in *unknown), ambient reduced to permitted & inheritable (the
 * rest in *ambient_dropped), as runc does. */
int husk_caps_resolve(const husk_caps_t *caps, int last_cap,
                      husk_cap_masks_t *m, uint64_t *unknown,
                      uint64_t *ambient_dropped);

/* Log a warning for every capability husk_caps_resolve leaves out; `what`
 * names the object ("process"). Called by the runtime before cloning, so
 * the warnings reach its own stderr and log. */
void husk_caps_warn(const husk_caps_t *caps, const char *what, int procfd);

/* Before the uid change: drop everything outside the bounding set and ask
 * to keep permitted caps across setuid. */
int husk_caps_prepare(const husk_caps_t *caps, int procfd, husk_error_t **err);
/* After the uid change: set effective/permitted/inheritable exactly, raise
 * ambient. */
int husk_caps_apply(const husk_caps_t *caps, int procfd, husk_error_t **err);

#endif
