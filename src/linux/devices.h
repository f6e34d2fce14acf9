/* Device nodes and the standard /dev symlinks inside the rootfs. */
#ifndef HUSK_LINUX_DEVICES_H
#define HUSK_LINUX_DEVICES_H

#include <stdbool.h>

#include "husk/error.h"
#include "husk/spec.h"

/* The default nodes (null, zero, full, random, urandom, tty) and every
 * linux.devices entry; existing nodes are left alone. With `userns` (or
 * when mknod is refused) char and block devices are the host's nodes
 * bind-mounted onto empty files. When `mounts` put a fresh filesystem on
 * /dev, also the symlinks fd, stdin, stdout, stderr, core and ptmx. When
 * /dev is a bind mount (the host's /dev, say) nothing is done. */
int husk_devices_setup(int rootfd, const husk_spec_t *spec, bool userns,
                       husk_error_t **err);

#endif
