/* recvnotify: an sd_notify receiver (what systemd or conmon provides as
 * NOTIFY_SOCKET) for the tests.
 *
 *   recvnotify SOCKET-PATH OUT-FILE
 *
 * Binds a datagram socket at SOCKET-PATH (under a temporary name, renamed
 * into place once bound) and appends each datagram to OUT-FILE, one per
 * line group, flushed. A datagram carrying fds (sd_notify_barrier's
 * BARRIER=1) has them closed, which answers the barrier; after it the tool
 * removes the socket and exits 0. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sock.h"

const char *prog = "recvnotify";

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: recvnotify SOCKET-PATH OUT-FILE\n");
    return 1;
  }
  int s = listen_at(argv[1], SOCK_DGRAM, 0);
  FILE *out = fopen(argv[2], "a");
  if (!out)
    die(argv[2]);
  for (;;) {
    char buf[4097];
    union {
      char b[CMSG_SPACE(16 * sizeof(int))];
      struct cmsghdr align;
    } ctl;
    struct iovec iov = {.iov_base = buf, .iov_len = sizeof buf - 1};
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = ctl.b,
                         .msg_controllen = sizeof ctl.b};
    ssize_t n = recvmsg(s, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      die("recvmsg");
    }
    buf[n] = '\0';
    int nfds = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
        size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < k; i++) {
          int fd;
          memcpy(&fd, CMSG_DATA(c) + i * sizeof fd, sizeof fd);
          close(fd);
          nfds++;
        }
      }
    fprintf(out, "%s%s", buf, n && buf[n - 1] == '\n' ? "" : "\n");
    fflush(out);
    if (nfds) {
      unlink(argv[1]);
      return 0;
    }
  }
}
