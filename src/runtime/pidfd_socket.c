#include "runtime/pidfd_socket.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "linux/fdpass.h"
#include "util/cleanup.h"

int husk_pidfd_socket_connect(const char *path, husk_error_t **err) {
  if (!*path)
    return husk_error_set(err, 0, "--pidfd-socket: empty path");
  int sock = husk_unix_connect(path);
  if (sock < 0)
    return husk_error_errno(err, "--pidfd-socket %s: connect", path);
  return sock;
}

int husk_pidfd_socket_send(int sock, int pidfd, const char *kind,
                           husk_error_t **err) {
  if (husk_send_fd(sock, pidfd, kind) < 0)
    return husk_error_errno(err, "--pidfd-socket: send the pidfd");
  return 0;
}
