/* recvtty: a --console-socket listener for the tests, written separately
 * from husk's own fd passing so that each checks the other.
 *
 *   recvtty [-i TEXT] [-n NAME-FILE] [-w WINSIZE-FILE] SOCKET-PATH
 *
 * Listens on the unix socket SOCKET-PATH (made under a temporary name and
 * renamed into place once listening, so its existence means it is ready),
 * accepts one connection, receives one fd with SCM_RIGHTS, and removes the
 * socket. Then writes TEXT (if given) to the pty, and copies whatever the
 * pty says to stdout until it hangs up (no slave left open). -n writes the
 * name sent with the fd to NAME-FILE; -w writes "ROWS COLS" of the pty, as
 * received, to WINSIZE-FILE. Exit status 0, or 1 with a message. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sock.h"

const char *prog = "recvtty";

static void write_all(int fd, const char *buf, size_t len, const char *what) {
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      die(what);
    buf += n;
    len -= n;
  }
}

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "we");
  if (!f || fputs(text, f) < 0 || fclose(f) != 0)
    die(path);
}

int main(int argc, char **argv) {
  const char *input = NULL, *name_file = NULL, *size_file = NULL;
  int opt;
  while ((opt = getopt(argc, argv, "i:n:w:")) != -1) {
    switch (opt) {
    case 'i':
      input = optarg;
      break;
    case 'n':
      name_file = optarg;
      break;
    case 'w':
      size_file = optarg;
      break;
    default:
      fprintf(stderr,
              "usage: %s [-i TEXT] [-n NAME-FILE] [-w WINSIZE-FILE] "
              "SOCKET-PATH\n",
              prog);
      return 2;
    }
  }
  if (optind != argc - 1)
    die_msg("expected one SOCKET-PATH (see -h)");
  const char *path = argv[optind];
  int s = listen_at(path, SOCK_STREAM, 1);
  int conn;
  do
    conn = accept4(s, NULL, NULL, SOCK_CLOEXEC);
  while (conn < 0 && errno == EINTR);
  if (conn < 0)
    die("accept");
  char name[4096];
  int pty = receive_fd(conn, name, sizeof name);
  close(conn);
  close(s);
  unlink(path);
  if (name_file)
    write_file(name_file, name);
  struct stat st;
  if (fstat(pty, &st) < 0)
    die("fstat of the received fd");
  if (!S_ISCHR(st.st_mode) || !isatty(pty))
    die_msg("the received fd is not a terminal");
  if (size_file) {
    struct winsize ws;
    if (ioctl(pty, TIOCGWINSZ, &ws) < 0)
      die("TIOCGWINSZ");
    char text[32];
    snprintf(text, sizeof text, "%u %u\n", ws.ws_row, ws.ws_col);
    write_file(size_file, text);
  }
  if (input)
    write_all(pty, input, strlen(input), "write to the pty");
  /* Until the last slave is closed: then read fails with EIO. */
  char buf[4096];
  for (;;) {
    ssize_t n = read(pty, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n == 0 || (n < 0 && errno == EIO))
      break;
    if (n < 0)
      die("read from the pty");
    write_all(STDOUT_FILENO, buf, n, "write to stdout");
  }
  return 0;
}
