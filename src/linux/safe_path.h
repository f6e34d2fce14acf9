/* Resolving paths inside a container rootfs without ever leaving it:
 * openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS), with a component-wise
 * O_NOFOLLOW walk as the fallback for kernels without openat2. */
#ifndef HUSK_SAFE_PATH_H
#define HUSK_SAFE_PATH_H

#include <stdbool.h>
#include <sys/types.h>

#include "husk/error.h"

/* Open `path` (absolute or relative, interpreted inside rootfd) with
 * open(2) flags; symlinks are resolved as if rootfd were "/". O_CLOEXEC is
 * always added. Returns an fd or -1 with errno set. */
int husk_open_in_root(int rootfd, const char *path, int flags, mode_t mode);

/* The fallback of husk_open_in_root, used when openat2 is missing: one
 * component at a time with O_NOFOLLOW, symlinks (at most 40) resolved here
 * against rootfd, ".." popping back to the directory we came from (never
 * above rootfd). Magic links are read as plain symlinks, which keeps them
 * inside the root too. Exposed for the unit tests. */
int husk_walk_in_root(int rootfd, const char *path, int flags, mode_t mode);

/* Create every missing directory of `path` inside rootfd (mode 0755), and
 * the leaf as a directory (leaf_is_file false) or an empty regular file
 * (true) with `mode`; an existing leaf of either type is accepted. Symlinks
 * met on the way are followed inside the root. Returns an O_PATH fd of the
 * leaf, or -1 with *err set naming the path. */
int husk_mkpath_in_root(int rootfd, const char *path, bool leaf_is_file,
                        mode_t mode, husk_error_t **err);

/* "/proc/self/fd/N" for mount(2) and friends; buf must hold 64 bytes. */
const char *husk_fd_path(char *buf, int fd);

#endif
