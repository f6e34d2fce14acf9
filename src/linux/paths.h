/* linux.maskedPaths and linux.readonlyPaths. */
#ifndef HUSK_LINUX_PATHS_H
#define HUSK_LINUX_PATHS_H

#include "husk/error.h"
#include "husk/spec.h"

/* Hide each path that exists (a final symlink is not followed): a
 * directory under an empty read-only tmpfs, anything else under the host's
 * /dev/null. */
int husk_paths_mask(int rootfd, const husk_strv_t *paths, husk_error_t **err);

/* Make each path that exists read-only (every mount below it too), keeping
 * its other flags. */
int husk_paths_readonly(int rootfd, const husk_strv_t *paths,
                        husk_error_t **err);

#endif
