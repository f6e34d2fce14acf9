/* The parent/child protocol over a SOCK_SEQPACKET socketpair. */
#ifndef HUSK_SYNC_H
#define HUSK_SYNC_H

#include <stdint.h>

#include "husk/error.h"

typedef enum {
  HUSK_SYNC_SETUP = 1, /* parent -> child: ids mapped, cgroup joined: go on */
  HUSK_SYNC_READY,     /* child -> parent: set up, about to wait for start */
  HUSK_SYNC_ERROR,     /* child -> parent: setup failed (errno + text) */
  HUSK_SYNC_HOOKS,     /* child -> parent: namespaces made, before pivot:
                          run prestart/createRuntime, then answer SETUP */
  HUSK_SYNC_SECCOMP,   /* child -> parent: fd = seccomp listener, for the
                          agent at linux.seccomp.listenerPath */
  /* parent -> child, create only: in every cgroup now (create's SETUP comes
   * before the cgroup writes): make the cgroup namespace and mounts. */
  HUSK_SYNC_CGROUP_DONE,
} husk_sync_type_t;

/* Send a message with no payload. */
int husk_sync_send(int fd, husk_sync_type_t type, husk_error_t **err);
/* The same with an fd attached (SCM_RIGHTS); passfd may be -1. */
int husk_sync_send_fd(int fd, husk_sync_type_t type, int passfd,
                      husk_error_t **err);
/* Child side: report *failure to the parent (best effort). */
void husk_sync_send_error(int fd, const husk_error_t *failure);
/* Wait (at most timeout_ms) for `want`. An ERROR message becomes *err with
 * the child's text; EOF or the death of pidfd's process is an error too.
 * pidfd may be -1. */
int husk_sync_expect(int fd, int pidfd, husk_sync_type_t want, int timeout_ms,
                     husk_error_t **err);

/* husk_sync_expect that also receives an attached fd (-1 if none; the
 * caller owns it, also when the result is an error). */
int husk_sync_expect_fd(int fd, int pidfd, husk_sync_type_t want,
                        int timeout_ms, int *passfd, husk_error_t **err);

#endif
