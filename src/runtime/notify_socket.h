/* sd_notify through the container (NOTIFY_SOCKET), the way runc relays it.
 *
 * The caller's socket is never shown to the container. When `create` runs
 * with NOTIFY_SOCKET set, the state dir gets a "notify" directory, bound
 * read-only (nosuid, nodev, noexec) at /run/notify in the container, whose
 * process env gets NOTIFY_SOCKET=/run/notify/notify.sock. `start` (and so
 * `run`), when it too has NOTIFY_SOCKET, binds that datagram socket before
 * releasing the init, waits for a "READY=..." line from the container (or
 * for the init to exit), and sends the caller's socket that line, then
 * "MAINPID=<init pid>", then a BARRIER=1 (sd_notify_barrier) so that it
 * returns only once the caller has read them. */
#ifndef HUSK_RUNTIME_NOTIFY_SOCKET_H
#define HUSK_RUNTIME_NOTIFY_SOCKET_H

#include <sys/types.h>

#include "husk/error.h"
#include "husk/spec.h"

#define HUSK_NOTIFY_DIR "notify"
#define HUSK_NOTIFY_SOCK "notify.sock"
#define HUSK_NOTIFY_MOUNT "/run/notify"

/* create: with NOTIFY_SOCKET set, make <state>/notify and add the mount
 * and the env to spec. dirfd is the container's state dir. */
int husk_notify_prepare(int dirfd, husk_spec_t *spec, husk_error_t **err);

/* start: with NOTIFY_SOCKET set and a container made with it, bind the
 * container's socket; *sock is -1 when there is nothing to relay. */
int husk_notify_listen(int dirfd, int *sock, husk_error_t **err);

/* start, after releasing the init: relay READY (see above). Returns 0 also
 * when the init exits without being ready. */
int husk_notify_relay(int sock, int pidfd, pid_t pid, husk_error_t **err);

#endif
