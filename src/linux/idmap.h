/* Id-mapped bind mounts: mounts[].uidMappings/gidMappings and the "idmap"
 * and "ridmap" options.
 *
 * The runtime (on the host, before cloning the init) clones each such
 * source tree with open_tree(OPEN_TREE_CLONE) and gives it the mapping of
 * a throwaway user namespace with mount_setattr(MOUNT_ATTR_IDMAP): that
 * needs privilege over the source's filesystem, which an init in a user
 * namespace lacks. The detached trees are kept by fd in a table the init
 * inherits with its copy of the runtime's memory; the init attaches each
 * one at its destination with move_mount. */
#ifndef HUSK_IDMAP_H
#define HUSK_IDMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "husk/error.h"
#include "husk/spec.h"

/* Does the kernel have mount_setattr(2) (Linux 5.12+)? For `features`. */
bool husk_idmap_supported(void);

/* Is mounts[i] id-mapped (mappings or an idmap/ridmap option)? */
bool husk_idmap_wanted(const husk_mount_t *m);

/* The text of a uid_map/gid_map file for `maps` ("0 1000 1\n..."),
 * malloc'd; NULL on ENOMEM. */
char *husk_idmap_format(const husk_idmaps_t *maps);

/* Runtime, before clone: prepare every id-mapped entry of spec->mounts.
 * Relative sources are taken from `bundle`. Errors name mounts[i]. */
int husk_idmap_prepare(const husk_spec_t *spec, const char *bundle,
                       husk_error_t **err);
/* Runtime, after clone (or on failure): close the prepared trees. */
void husk_idmap_release(void);

/* Init: attach the tree prepared for mounts[index] at the directory or
 * file `target` (an fd). -1 with *err. */
int husk_idmap_attach(size_t index, int target, husk_error_t **err);

#endif
