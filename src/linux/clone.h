#ifndef HUSK_CLONE_H
#define HUSK_CLONE_H

#include <sys/types.h>

/* clone3 with CLONE_PIDFD (and CLONE_INTO_CGROUP when cgroup_fd >= 0).
 * Returns the child's pid in the parent (with *pidfd set), 0 in the child,
 * -1 with errno on failure. */
pid_t husk_clone3(unsigned long flags, int cgroup_fd, int *pidfd);

#endif
