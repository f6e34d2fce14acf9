/* Extra fds for the container process, from 3 up: systemd's socket
 * activation fds (LISTEN_FDS, create/run only) first, then the caller's
 * --preserve-fds. */
#ifndef HUSK_RUNTIME_PRESERVE_FDS_H
#define HUSK_RUNTIME_PRESERVE_FDS_H

#include "husk/error.h"
#include "husk/spec.h"

/* Socket activation, as runc does it: when LISTEN_PID is our pid,
 * LISTEN_FDS fds from 3 up go to the container, whose process env gets
 * LISTEN_FDS=<n> and LISTEN_PID=1 (replacing any the config sets). *n is 0
 * when husk was not socket-activated. */
int husk_listen_fds_take(husk_process_t *proc, unsigned *n, husk_error_t **err);

/* Every fd in 3 .. 3 + n - 1 must be open: a missing one would let one of
 * husk's own fds take its number and leak into the container. */
int husk_preserve_fds_check(unsigned n, unsigned listen_fds,
                            husk_error_t **err);

#endif
