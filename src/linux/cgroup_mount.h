#ifndef HUSK_CGROUP_MOUNT_H
#define HUSK_CGROUP_MOUNT_H

#include "husk/error.h"
#include "husk/spec.h"

/* A `cgroup` mount entry in a container with its own cgroup namespace:
 * cgroup2 alone on a pure v2 host; otherwise a tmpfs with one mount per
 * hierarchy (and the unified one on a hybrid host), each showing the
 * container's cgroup as its root. The entry's flags (ro...) apply to all. */
int husk_cgroup_mount_view(int rootfd, const husk_mount_t *m,
                           husk_error_t **err);

#endif
