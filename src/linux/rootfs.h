/* Building the container's filesystem view, in the child, inside its new
 * mount namespace: propagation, the rootfs bind, `mounts`, /dev, masked and
 * readonly paths (husk_rootfs_prepare, before pivot), then the switch of
 * root (husk_rootfs_enter). */
#ifndef HUSK_ROOTFS_H
#define HUSK_ROOTFS_H

#include <stdbool.h>

#include "husk/error.h"
#include "husk/spec.h"

typedef struct {
  const husk_spec_t *spec;
  const char *rootfs; /* host path of root.path (relative: to the cwd) */
  bool userns;        /* in a new user namespace: devices are bind-mounted */
  bool cgroupns;      /* in its own cgroup namespace: `cgroup` mounts show
                         the container's view instead of the host's tree */
  bool no_pivot;      /* --no-pivot: MS_MOVE + chroot instead */
  /* Run once before the cgroup mounts (NULL: nothing), which come last
   * when that changes nothing (husk_mounts_cgroup_last): the init waits
   * there until it is in all its cgroups, then makes its cgroup namespace. */
  int (*before_cgroup)(void *data, husk_error_t **err);
  void *before_cgroup_data;
} husk_rootfs_ctx_t;

/* Everything up to the switch of root. Needs a mount namespace of its own
 * (refused otherwise: it changes the propagation of "/"); relative bind
 * sources are taken from the cwd (the bundle). Keeps an fd of the rootfs
 * mount, in this process, for husk_rootfs_enter. */
int husk_rootfs_prepare(const husk_rootfs_ctx_t *ctx, husk_error_t **err);

/* pivot_root (or MS_MOVE + chroot) into the prepared rootfs, detach the old
 * root, then root.readonly and linux.rootfsPropagation. The cwd is "/". */
int husk_rootfs_enter(const husk_rootfs_ctx_t *ctx, husk_error_t **err);

#endif
