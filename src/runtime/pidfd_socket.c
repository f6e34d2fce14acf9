#include "runtime/pidfd_socket.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "linux/fdpass.h"
#include "util/cleanup.h"

int husk_pidfd_socket_connect(const char *path, husk_error_t **err) {
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  _cleanup_close_ int pathfd = -1;
  if (!*path)
    return husk_error_set(err, 0, "--pidfd-socket: empty path");
  if (strlen(path) < sizeof addr.sun_path) {
    strcpy(addr.sun_path, path);
  } else {
    /* Too long for sun_path: go through an O_PATH fd of the socket. */
    pathfd = open(path, O_PATH | O_CLOEXEC);
    if (pathfd < 0)
      return husk_error_errno(err, "--pidfd-socket %s", path);
    snprintf(addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d", pathfd);
  }
  _cleanup_close_ int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0)
    return husk_error_errno(err, "--pidfd-socket %s", path);
  if (connect(sock, (struct sockaddr *)&addr, sizeof addr) < 0)
    return husk_error_errno(err, "--pidfd-socket %s: connect", path);
  return husk_steal_fd(&sock);
}

int husk_pidfd_socket_send(int sock, int pidfd, const char *kind,
                           husk_error_t **err) {
  if (husk_send_fd(sock, pidfd, kind) < 0)
    return husk_error_errno(err, "--pidfd-socket: send the pidfd");
  return 0;
}
