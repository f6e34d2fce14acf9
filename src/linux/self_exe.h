/* The husk binary is never exposed writable to a container (the
 * CVE-2019-5736 class: a container process that gets hold of
 * /proc/<pid>/exe of a husk process in its namespaces, or that execs
 * /proc/self/exe from one, could otherwise reopen the host's binary for
 * writing).
 *
 * `husk exec` and `husk create`/`run` re-execute themselves once from a
 * sealed copy: a memfd holding the binary, sealed against any write,
 * shrink or grow, so the process that joins (or is cloned into) the
 * container's namespaces has that copy, not the host file, as its exe.
 * The check for "already running from a sealed copy" is the seals of
 * /proc/self/exe itself, so no marker in argv or env is needed and it
 * cannot loop. create skips it when a user namespace already keeps the
 * container from writing the binary. */
#ifndef HUSK_SELF_EXE_H
#define HUSK_SELF_EXE_H

#include <stdbool.h>

#include "husk/error.h"

/* Is /proc/self/exe a memfd with all the seals below? */
bool husk_self_exe_is_sealed(void);

/* Returns 0 at once when already sealed (and names the process "husk"
 * again: an execveat of an fd names it after the fd number). Otherwise
 * copies /proc/self/exe into a sealed memfd and execs that with the same
 * argv (from /proc/self/cmdline) and environment, so it returns only on
 * failure. Fds not marked close-on-exec stay open across. Where the host
 * forbids executable memfds (EACCES, EPERM) it warns and returns 0. */
int husk_self_exe_ensure_sealed(husk_error_t **err);

#endif
