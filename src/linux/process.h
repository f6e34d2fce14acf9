/* The last steps of the container process: identity, cwd, the executable,
 * and execve. */
#ifndef HUSK_PROCESS_H
#define HUSK_PROCESS_H

#include "husk/error.h"
#include "husk/spec.h"
#include "linux/seccomp_filter.h"

/* Everything per process, for the init and exec alike, in an order that
 * keeps the privileges needed until they are dropped: oomScoreAdj,
 * scheduler, ioPriority, rlimits, umask, cwd, the LSM exec labels,
 * capabilities around the user change, the executable lookup (as the user),
 * no_new_privs. */
int husk_process_prepare(const husk_process_t *p, int procfd, bool make_cwd,
                         husk_seccomp_filter_t *seccomp, char **exe,
                         husk_error_t **err);
/* seccomp (may be NULL) is loaded here when no_new_privs is off (before
 * the user change, while CAP_SYS_ADMIN is there) or when it has NOTIFY
 * rules (the listener must reach the runtime before READY); otherwise
 * husk_process_exec loads it right before execve. */

/* additionalGids, gid, uid (caps kept across the change, see caps.h). */
int husk_process_set_user(const husk_process_t *proc, husk_error_t **err);
/* Enter process.cwd, first making it if missing and `make` (the init
 * does, exec does not, as runc); runs inside the new root, so
 * it cannot leave it. */
int husk_process_enter_cwd(const husk_process_t *proc, bool make,
                           husk_error_t **err);
/* Find args[0] with the container's PATH; returns the malloc'd path. */
int husk_process_find_executable(const husk_process_t *proc, char **path,
                                 husk_error_t **err);
/* Close the fds inherited from husk's caller past the preserved ones (the
 * ones not close-on-exec: husk's own all are), so that an init waiting
 * for start does not hold them open. procfd: the host's /proc. */
void husk_process_close_inherited(int procfd, unsigned preserve_fds);
/* Close every fd from 3 + preserve_fds up, load seccomp if not yet done,
 * then execve. Returns only on failure. */
int husk_process_exec(const husk_process_t *proc, const char *path,
                      unsigned preserve_fds, husk_seccomp_filter_t *seccomp,
                      husk_error_t **err);

#endif
