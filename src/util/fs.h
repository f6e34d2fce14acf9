/* File helpers. Paths inside a container's rootfs go through
 * src/linux/safe_path.h instead. */
#ifndef HUSK_FS_H
#define HUSK_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "husk/error.h"

/* Read a whole file (at most `max` bytes) into a NUL-terminated buffer. */
int husk_read_file_at(int dirfd, const char *path, size_t max, char **buf,
                      size_t *len, husk_error_t **err);
/* Write `len` bytes to an existing file (O_WRONLY, no create). */
int husk_write_file_at(int dirfd, const char *path, const char *buf, size_t len,
                       husk_error_t **err);
/* Replace dirfd/name atomically: write a temp file, fsync, rename. */
int husk_write_atomic_at(int dirfd, const char *name, const char *buf,
                         size_t len, mode_t mode, husk_error_t **err);
/* mkdir -p of an absolute host path. */
int husk_mkdir_p(const char *path, mode_t mode, husk_error_t **err);
/* rm -rf of dirfd/name (no symlinks followed; stays on one device). */
int husk_remove_tree_at(int dirfd, const char *name, husk_error_t **err);
/* Read all of fd until EOF (bounded by max). */
int husk_read_all_fd(int fd, size_t max, char **buf, size_t *len);
/* Write the whole buffer, retrying on EINTR/short writes. */
int husk_write_all_fd(int fd, const void *buf, size_t len);

#endif
