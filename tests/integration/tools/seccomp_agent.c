/* seccomp_agent: a linux.seccomp.listenerPath agent for the tests.
 *
 *   seccomp_agent [-e ERRNO] [-s STATE-FILE] [-l LOG-FILE] SOCKET-PATH
 *
 * Listens on the unix socket SOCKET-PATH (made under a temporary name and
 * renamed into place once listening, so its existence means it is ready)
 * and serves every connection: each brings a container process state
 * (JSON, to the end of the stream) with one seccomp listener fd attached.
 * The JSON is appended to STATE-FILE as one line. Then, for each
 * notification: mkdir and mkdirat fail with ERRNO (-e; 0 = pretend success
 * without making anything), any other syscall goes on as if unfiltered;
 * LOG-FILE gets one line per notification: "mkdir" or the syscall number.
 * Runs until killed. Written apart from husk's code so that each checks the
 * other. */
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "sock.h"

#define MAX_LISTENERS 16

const char *prog = "seccomp_agent";
static int reply_errno = EPERM;
static const char *state_file, *log_file;

static void append_line(const char *file, const char *text) {
  if (!file)
    return;
  FILE *f = fopen(file, "a");
  if (!f)
    die(file);
  fprintf(f, "%s\n", text);
  fclose(f);
}

/* One connection: the state document and the listener fd. */
static int take_listener(int conn) {
  char buf[65536];
  size_t len = 0;
  int fd = -1;
  for (;;) {
    struct iovec iov = {.iov_base = buf + len, .iov_len = sizeof buf - 1 - len};
    union {
      char b[CMSG_SPACE(sizeof(int))];
      struct cmsghdr align;
    } ctl;
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = ctl.b,
                         .msg_controllen = sizeof ctl.b};
    ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      die("recvmsg");
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      memcpy(&fd, CMSG_DATA(c), sizeof fd);
    if (n == 0 || len + (size_t)n >= sizeof buf - 1)
      break;
    len += (size_t)n;
  }
  buf[len] = '\0';
  close(conn);
  append_line(state_file, buf);
  if (fd < 0) {
    fprintf(stderr, "%s: a connection brought no fd\n", prog);
    exit(1);
  }
  return fd;
}

static void answer(int listener, const struct seccomp_notif_sizes *sz) {
  struct seccomp_notif *req = calloc(1, sz->seccomp_notif);
  struct seccomp_notif_resp *resp = calloc(1, sz->seccomp_notif_resp);
  if (!req || !resp)
    die("calloc");
  if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
    /* The caller was interrupted or died meanwhile: nothing to answer. */
    free(req);
    free(resp);
    return;
  }
  resp->id = req->id;
  char line[32];
  if (req->data.nr == __NR_mkdir || req->data.nr == __NR_mkdirat) {
    resp->error = reply_errno ? -reply_errno : 0;
    resp->val = 0;
    snprintf(line, sizeof line, "mkdir");
  } else {
    resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    snprintf(line, sizeof line, "%d", req->data.nr);
  }
  append_line(log_file, line);
  if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT)
    die("SECCOMP_IOCTL_NOTIF_SEND");
  free(req);
  free(resp);
}

int main(int argc, char **argv) {
  int opt;
  while ((opt = getopt(argc, argv, "e:s:l:")) != -1) {
    switch (opt) {
    case 'e':
      reply_errno = atoi(optarg);
      break;
    case 's':
      state_file = optarg;
      break;
    case 'l':
      log_file = optarg;
      break;
    default:
      fprintf(stderr,
              "usage: %s [-e ERRNO] [-s STATE-FILE] [-l LOG-FILE] "
              "SOCKET-PATH\n",
              prog);
      return 2;
    }
  }
  if (optind != argc - 1) {
    fprintf(stderr, "%s: one SOCKET-PATH expected\n", prog);
    return 2;
  }
  struct seccomp_notif_sizes sz;
  if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0)
    die("SECCOMP_GET_NOTIF_SIZES");
  struct pollfd fds[1 + MAX_LISTENERS];
  int n = 1;
  fds[0] = (struct pollfd){.fd = listen_at(argv[optind], SOCK_STREAM, 8),
                           .events = POLLIN};
  for (;;) {
    if (poll(fds, n, -1) < 0) {
      if (errno == EINTR)
        continue;
      die("poll");
    }
    for (int i = 1; i < n; i++) {
      if (fds[i].revents & POLLIN)
        answer(fds[i].fd, &sz);
      else if (fds[i].revents & (POLLHUP | POLLERR)) {
        /* Every process of that filter is gone. */
        close(fds[i].fd);
        fds[i--] = fds[--n];
      }
    }
    if ((fds[0].revents & POLLIN) && n < 1 + MAX_LISTENERS) {
      int conn = accept4(fds[0].fd, NULL, NULL, SOCK_CLOEXEC);
      if (conn >= 0)
        fds[n++] = (struct pollfd){.fd = take_listener(conn), .events = POLLIN};
    }
  }
}
