/* recvpidfd: a --pidfd-socket listener for the tests.
 *
 *   recvpidfd SOCKET-PATH OUT-FILE [SIGNAL]
 *
 * Listens on the unix socket SOCKET-PATH (made under a temporary name and
 * renamed into place once listening), accepts one connection and receives
 * one message with one fd. Checks that the fd is a pidfd of a live process
 * (pidfd_send_signal with signal 0) and writes "<payload> <pid>" to
 * OUT-FILE, the pid read from /proc/self/fdinfo/<fd>. With SIGNAL (a
 * number), then sends it through the pidfd, waits for the process to end
 * (poll on the pidfd) and appends "exited". Exit status 0, or 1 with a
 * message. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "sock.h"

const char *prog = "recvpidfd";

/* The "Pid:" line of a pidfd's fdinfo. */
static long pidfd_pid(int fd) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
  FILE *f = fopen(path, "r");
  if (!f)
    die(path);
  long pid = -1;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "Pid: %ld", &pid) == 1)
      break;
  fclose(f);
  if (pid <= 0) {
    errno = EBADF;
    die("not a pidfd (no Pid: in fdinfo)");
  }
  return pid;
}

int main(int argc, char **argv) {
  if (argc != 3 && argc != 4) {
    fprintf(stderr, "usage: recvpidfd SOCKET-PATH OUT-FILE [SIGNAL]\n");
    return 1;
  }
  int s = listen_at(argv[1], SOCK_STREAM, 1);
  int conn = accept4(s, NULL, NULL, SOCK_CLOEXEC);
  if (conn < 0)
    die("accept");
  unlink(argv[1]);
  char payload[256];
  int fd = receive_fd(conn, payload, sizeof payload);
  if (syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0) < 0)
    die("pidfd_send_signal 0");
  long pid = pidfd_pid(fd);
  FILE *out = fopen(argv[2], "w");
  if (!out)
    die(argv[2]);
  fprintf(out, "%s %ld\n", payload, pid);
  fflush(out);
  if (argc == 4) {
    if (syscall(SYS_pidfd_send_signal, fd, atoi(argv[3]), NULL, 0) < 0)
      die("pidfd_send_signal");
    struct pollfd p = {.fd = fd, .events = POLLIN};
    while (poll(&p, 1, -1) < 0)
      if (errno != EINTR)
        die("poll");
    fprintf(out, "exited\n");
  }
  if (fclose(out) != 0)
    die(argv[2]);
  return 0;
}
