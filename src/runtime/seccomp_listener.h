/* linux.seccomp.listenerPath: where the seccomp listener of a process with
 * SCMP_ACT_NOTIFY rules goes. The agent there gets, on one SOCK_STREAM
 * connection, the runtime-spec's container process state as JSON with the
 * listener attached (SCM_RIGHTS, named "seccompFd" in its "fds"). */
#ifndef HUSK_RUNTIME_SECCOMP_LISTENER_H
#define HUSK_RUNTIME_SECCOMP_LISTENER_H

#include <sys/types.h>

#include "husk/container.h"

/* Connect to the agent before anything is made, so that a missing socket
 * fails early; returns the socket or -1. */
int husk_seccomp_listener_connect(const husk_seccomp_t *s, husk_error_t **err);

/* Wait for the process's HUSK_SYNC_SECCOMP (bounded; pidfd as for
 * husk_sync_expect) and send its listener over sock with the state `st`
 * of the container; pid is the process that loaded the filter. */
int husk_seccomp_listener_forward(int sync_fd, int pidfd, int sock,
                                  const husk_seccomp_t *s, pid_t pid,
                                  const husk_state_t *st, husk_error_t **err);

/* The container process state document (malloc'd). */
char *husk_seccomp_process_state_json(const husk_seccomp_t *s, pid_t pid,
                                      const husk_state_t *st);

#endif
