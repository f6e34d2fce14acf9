/* --pidfd-socket PATH (create, run, exec): a pidfd of the container
 * process goes to the unix socket at PATH, so that a supervisor can signal
 * and wait for it without pid races. The message is runc's: the data is
 * the kind of process ("standard" for a container's init, "setns" for an
 * exec'd one) and the fd travels as SCM_RIGHTS. */
#ifndef HUSK_RUNTIME_PIDFD_SOCKET_H
#define HUSK_RUNTIME_PIDFD_SOCKET_H

#include "husk/error.h"

#define HUSK_PIDFD_KIND_INIT "standard"
#define HUSK_PIDFD_KIND_EXEC "setns"

/* Connect early, so that a bad path fails before anything exists. */
int husk_pidfd_socket_connect(const char *path, husk_error_t **err);

/* Send pidfd over the connected sock. */
int husk_pidfd_socket_send(int sock, int pidfd, const char *kind,
                           husk_error_t **err);

#endif
