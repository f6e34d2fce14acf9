#include "sock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

void die(const char *what) {
  fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(errno));
  exit(1);
}

void die_msg(const char *what) {
  fprintf(stderr, "%s: %s\n", prog, what);
  exit(1);
}

int listen_at(const char *path, int type, int backlog) {
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (snprintf(addr.sun_path, sizeof addr.sun_path, "%s.%d.tmp", path,
               (int)getpid()) >= (int)sizeof addr.sun_path) {
    errno = ENAMETOOLONG;
    die(path);
  }
  int s = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
  if (s < 0)
    die("socket");
  unlink(addr.sun_path);
  if (bind(s, (struct sockaddr *)&addr, sizeof addr) < 0)
    die(addr.sun_path);
  if (type == SOCK_STREAM && listen(s, backlog) < 0)
    die("listen");
  if (rename(addr.sun_path, path) < 0)
    die(path);
  return s;
}

int receive_fd(int conn, char *payload, size_t size) {
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } ctl;
  struct iovec iov = {.iov_base = payload, .iov_len = size - 1};
  struct msghdr msg = {.msg_iov = &iov,
                       .msg_iovlen = 1,
                       .msg_control = ctl.buf,
                       .msg_controllen = sizeof ctl.buf};
  ssize_t n;
  do
    n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    die("recvmsg");
  if (n == 0)
    die_msg("the sender closed the connection without sending an fd");
  payload[n] = '\0';
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  if ((msg.msg_flags & MSG_CTRUNC) || !c || c->cmsg_level != SOL_SOCKET ||
      c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int)))
    die_msg("the message did not carry exactly one fd");
  int fd;
  memcpy(&fd, CMSG_DATA(c), sizeof fd);
  return fd;
}
