/* runc's "tmpcopyup" (podman asks for it on --read-only's and --tmpfs's
 * tmpfs): what the directory held goes into the new tmpfs, with owners and
 * modes, the tmpfs root taking the directory's own. The source is the
 * container's rootfs: nothing in it is followed (symlinks are copied as
 * links), and the depth is bounded. */
#ifndef HUSK_COPYUP_H
#define HUSK_COPYUP_H

#include "husk/error.h"

/* Copies the directory `old` (a fd of it from before the mount) into the
 * tmpfs now mounted at `dest` in the rootfs `rootfd`. */
int husk_tmpcopyup(int rootfd, const char *dest, int old, husk_error_t **err);

#endif
