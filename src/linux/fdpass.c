/* SCM_RIGHTS in both directions, for the console, pidfd and seccomp
 * listener sockets and for the init -> parent hand-over of a pty master. */
#include "linux/fdpass.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/cleanup.h"

/* What the payload of one message may be; runc's receivers read up to
 * 4096 bytes of name too. */
#define NAME_MAX_LEN 4096

int husk_send_fd(int sock, int fd, const char *name) {
  if (fd < 0) {
    errno = EBADF;
    return -1;
  }
  /* Linux drops ancillary data sent without any payload on a stream
   * socket, so an empty name still sends one byte. */
  static const char nul = '\0';
  size_t len = name ? strlen(name) : 0;
  struct iovec iov = {
      .iov_base = len ? (void *)name : (void *)&nul,
      .iov_len = len ? len : 1,
  };
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } ctl;
  memset(&ctl, 0, sizeof ctl);
  struct msghdr msg = {
      .msg_iov = &iov,
      .msg_iovlen = 1,
      .msg_control = ctl.buf,
      .msg_controllen = sizeof ctl.buf,
  };
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof fd);
  ssize_t n;
  do
    n = sendmsg(sock, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return -1;
  /* The fd went with the first bytes; the rest of a long payload follows
   * (a stream socket may take less at once). */
  for (size_t off = (size_t)n; off < len;) {
    n = send(sock, name + off, len - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -1;
    off += (size_t)n;
  }
  return 0;
}

int husk_unix_connect(const char *path) {
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  _cleanup_close_ int pathfd = -1;
  if (strlen(path) < sizeof addr.sun_path) {
    strcpy(addr.sun_path, path);
  } else {
    /* Too long for sun_path: connect through an O_PATH fd of the socket. */
    pathfd = open(path, O_PATH | O_CLOEXEC);
    if (pathfd < 0)
      return -1;
    snprintf(addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d", pathfd);
  }
  _cleanup_close_ int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0)
    return -1;
  int rc;
  do
    rc = connect(sock, (struct sockaddr *)&addr, sizeof addr);
  while (rc < 0 && errno == EINTR);
  return rc < 0 ? -1 : husk_steal_fd(&sock);
}

/* Close every fd a control message brought in; returns how many. */
static size_t close_passed(struct msghdr *msg) {
  size_t count = 0;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
      continue;
    size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < n; i++) {
      int fd;
      memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      close(fd);
      count++;
    }
  }
  return count;
}

int husk_recv_fd_name(int sock, int *fd, char *name, size_t size) {
  char data[NAME_MAX_LEN];
  struct iovec iov = {.iov_base = data, .iov_len = sizeof data};
  /* Room for a few fds, so a sender passing more than one is detected
   * (and its fds closed) rather than silently truncated. */
  union {
    char buf[CMSG_SPACE(4 * sizeof(int))];
    struct cmsghdr align;
  } ctl;
  struct msghdr msg = {
      .msg_iov = &iov,
      .msg_iovlen = 1,
      .msg_control = ctl.buf,
      .msg_controllen = sizeof ctl.buf,
  };
  ssize_t n;
  do
    n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return -1;
  if (n == 0 && msg.msg_controllen == 0) {
    errno = ECONNRESET;
    return -1;
  }
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  bool one = !(msg.msg_flags & MSG_CTRUNC) && c &&
             c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
             c->cmsg_len == CMSG_LEN(sizeof(int)) && !CMSG_NXTHDR(&msg, c);
  if (!one) {
    close_passed(&msg);
    errno = EBADMSG;
    return -1;
  }
  memcpy(fd, CMSG_DATA(c), sizeof *fd);
  if (size > 0) {
    size_t len = (size_t)n < size - 1 ? (size_t)n : size - 1;
    memcpy(name, data, len);
    name[len] = '\0';
  }
  return 0;
}

int husk_recv_fd(int sock, int *fd) {
  return husk_recv_fd_name(sock, fd, NULL, 0);
}
