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
  const char *rootfs; /* absolute host path of root.path */
  bool userns;        /* in a new user namespace: devices are bind-mounted */
  bool no_pivot;      /* --no-pivot: MS_MOVE + chroot instead */
} husk_rootfs_ctx_t;

int husk_rootfs_prepare(const husk_rootfs_ctx_t *ctx, husk_error_t **err);
int husk_rootfs_enter(const husk_rootfs_ctx_t *ctx, husk_error_t **err);

#endif
