/* sdnotify: sends its arguments, one per line, as one datagram to the
 * unix socket named by $NOTIFY_SOCKET, as sd_notify(3) does ("@..." is
 * an abstract socket). Built static, to run inside the test containers,
 * whose busybox has no way to reach a unix datagram socket.
 *
 *   sdnotify READY=1 [STATUS=...]... */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv) {
  const char *path = getenv("NOTIFY_SOCKET");
  if (!path || !*path) {
    fprintf(stderr, "sdnotify: NOTIFY_SOCKET is not set\n");
    return 1;
  }
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  size_t len = strlen(path);
  if (len >= sizeof addr.sun_path) {
    fprintf(stderr, "sdnotify: %s: path too long\n", path);
    return 1;
  }
  memcpy(addr.sun_path, path, len);
  if (path[0] == '@')
    addr.sun_path[0] = '\0';
  socklen_t alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
                               (path[0] == '@' ? 0 : 1));
  char msg[4096] = "";
  size_t used = 0;
  for (int i = 1; i < argc; i++) {
    int n = snprintf(msg + used, sizeof msg - used, "%s%s", argv[i],
                     i + 1 < argc ? "\n" : "");
    if (n < 0 || (size_t)n >= sizeof msg - used) {
      fprintf(stderr, "sdnotify: message too long\n");
      return 1;
    }
    used += (size_t)n;
  }
  int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0 || sendto(s, msg, used, 0, (struct sockaddr *)&addr, alen) !=
                   (ssize_t)used) {
    fprintf(stderr, "sdnotify: %s: %s\n", path, strerror(errno));
    return 1;
  }
  return 0;
}
