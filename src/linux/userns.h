/* The id maps of a new user namespace, written by the parent while the
 * child waits for SETUP. */
#ifndef HUSK_USERNS_H
#define HUSK_USERNS_H

#include <stdbool.h>
#include <sys/types.h>

#include "husk/error.h"
#include "husk/spec.h"

/* Does writing these maps need more than an unprivileged process may do
 * by itself (anything but its own id, once)? Then newuidmap/newgidmap
 * write them. Always false for root. */
bool husk_userns_needs_uid_tool(const husk_idmaps_t *maps);
bool husk_userns_needs_gid_tool(const husk_idmaps_t *maps);

/* Before anything is made: both maps present and small enough for the
 * kernel, and newuidmap/newgidmap installed where they are needed. */
int husk_userns_check(const husk_spec_t *spec, husk_error_t **err);

/* Parent: write /proc/<pid>/{uid,gid}_map (and "deny" to setgroups where
 * an unprivileged gid map needs it). The child must still be dumpable.
 * Errors name linux.uidMappings / linux.gidMappings and, where one range
 * is at fault, its index. */
int husk_userns_write_maps(const husk_spec_t *spec, pid_t pid,
                           husk_error_t **err);

#endif
