/* Terminals: fd passing over socketpairs and console sockets, the pty
 * setup of the container init (in a forked child with a mount namespace
 * and a devpts of its own; needs root, skipped otherwise), and the `husk
 * run` proxy between stdio and a pty master. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cmocka.h>

#include "linux/fdpass.h"
#include "linux/terminal.h"
#include "runtime/tty_proxy.h"
#include "util/cleanup.h"

/* ---- helpers ---- */

static bool same_file(int a, int b) {
  struct stat sa, sb;
  return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

static int count_fds(void) {
  int n = 0;
  for (int fd = 0; fd < 1024; fd++)
    n += fcntl(fd, F_GETFD) >= 0;
  return n;
}

static void make_tmpdir(char *buf, size_t size) {
  snprintf(buf, size, "/tmp/husk-test-terminal-XXXXXX");
  assert_non_null(mkdtemp(buf));
}

static int listen_unix(const char *path) {
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  assert_true(strlen(path) < sizeof addr.sun_path);
  strcpy(addr.sun_path, path);
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  assert_true(s >= 0);
  assert_int_equal(bind(s, (struct sockaddr *)&addr, sizeof addr), 0);
  assert_int_equal(listen(s, 1), 0);
  return s;
}

/* ---- fd passing ---- */

static void pass_one(int type) {
  int sv[2], p[2];
  assert_int_equal(socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv), 0);
  assert_int_equal(pipe2(p, O_CLOEXEC), 0);
  assert_int_equal(husk_send_fd(sv[0], p[1], "/dev/ptmx"), 0);
  int got = -1;
  char name[64];
  assert_int_equal(husk_recv_fd_name(sv[1], &got, name, sizeof name), 0);
  assert_string_equal(name, "/dev/ptmx");
  assert_true(got >= 0 && got != p[1]);
  assert_true(same_file(got, p[1]));
  assert_true(fcntl(got, F_GETFD) & FD_CLOEXEC);
  /* It is the pipe: what goes in comes out of the other end. */
  assert_int_equal(write(got, "x", 1), 1);
  char c = 0;
  assert_int_equal(read(p[0], &c, 1), 1);
  assert_int_equal(c, 'x');
  close(got);
  close(p[0]);
  close(p[1]);
  close(sv[0]);
  close(sv[1]);
}

static void test_pass_stream(void **state) {
  (void)state;
  pass_one(SOCK_STREAM);
}

static void test_pass_seqpacket(void **state) {
  (void)state;
  pass_one(SOCK_SEQPACKET);
}

static void test_pass_without_name(void **state) {
  (void)state;
  int sv[2];
  assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  assert_int_equal(husk_send_fd(sv[0], sv[0], NULL), 0);
  int got = -1;
  char name[8] = "junk";
  assert_int_equal(husk_recv_fd_name(sv[1], &got, name, sizeof name), 0);
  assert_string_equal(name, ""); /* the one NUL byte that carried the fd */
  assert_true(same_file(got, sv[0]));
  close(got);
  assert_int_equal(husk_send_fd(sv[0], -1, "x"), -1);
  assert_int_equal(errno, EBADF);
  close(sv[0]);
  close(sv[1]);
}

static void test_recv_errors(void **state) {
  (void)state;
  int sv[2], fd = -1;
  /* Data without an fd. */
  assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv),
                   0);
  assert_int_equal(send(sv[0], "name", 4, 0), 4);
  assert_int_equal(husk_recv_fd(sv[1], &fd), -1);
  assert_int_equal(errno, EBADMSG);
  /* The peer went away. */
  close(sv[0]);
  assert_int_equal(husk_recv_fd(sv[1], &fd), -1);
  assert_int_equal(errno, ECONNRESET);
  close(sv[1]);
}

/* Two fds in one message: refused, and neither is left open here. */
static void test_recv_two_fds(void **state) {
  (void)state;
  int sv[2], p[2];
  assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv),
                   0);
  assert_int_equal(pipe2(p, O_CLOEXEC), 0);
  union {
    char buf[CMSG_SPACE(2 * sizeof(int))];
    struct cmsghdr align;
  } ctl;
  memset(&ctl, 0, sizeof ctl);
  struct iovec iov = {.iov_base = "x", .iov_len = 1};
  struct msghdr msg = {.msg_iov = &iov,
                       .msg_iovlen = 1,
                       .msg_control = ctl.buf,
                       .msg_controllen = sizeof ctl.buf};
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(2 * sizeof(int));
  memcpy(CMSG_DATA(c), p, sizeof p);
  assert_int_equal(sendmsg(sv[0], &msg, 0), 1);
  int before = count_fds(), fd = -1;
  assert_int_equal(husk_recv_fd(sv[1], &fd), -1);
  assert_int_equal(errno, EBADMSG);
  assert_int_equal(count_fds(), before);
  close(p[0]);
  close(p[1]);
  close(sv[0]);
  close(sv[1]);
}

/* ---- console socket ---- */

static void test_terminal_send(void **state) {
  (void)state;
  char dir[64], path[128];
  make_tmpdir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/console.sock", dir);
  int s = listen_unix(path);
  int p[2];
  assert_int_equal(pipe2(p, O_CLOEXEC), 0);
  husk_error_t *err = NULL;
  /* connect() completes against the backlog: no accept needed first. */
  assert_int_equal(husk_terminal_send(path, p[0], &err), 0);
  assert_null(err);
  int conn = accept4(s, NULL, NULL, SOCK_CLOEXEC);
  assert_true(conn >= 0);
  int got = -1;
  char name[64];
  assert_int_equal(husk_recv_fd_name(conn, &got, name, sizeof name), 0);
  assert_string_equal(name, HUSK_PTY_MASTER_NAME);
  assert_true(same_file(got, p[0]));
  /* husk closed its end after sending: the stream ends there. */
  char c;
  assert_int_equal(read(conn, &c, 1), 0);
  close(got);
  close(conn);
  close(s);
  close(p[0]);
  close(p[1]);
  unlink(path);
  rmdir(dir);
}

static void test_console_socket_missing(void **state) {
  (void)state;
  husk_error_t *err = NULL;
  const char *path = "/tmp/husk-test-terminal-no-such-dir/console.sock";
  assert_int_equal(husk_console_socket_connect(path, &err), -1);
  assert_non_null(err);
  assert_non_null(strstr(err->msg, path));
  assert_int_equal(err->errno_value, ENOENT);
  husk_error_free(err);
  err = NULL;
  /* A path that is not a socket. */
  assert_int_equal(husk_terminal_send("/etc/hostname", 0, &err), -1);
  assert_non_null(strstr(err->msg, "/etc/hostname"));
  husk_error_free(err);
}

/* Longer than sun_path (108 bytes): connected through /proc/self/fd. */
static void test_console_socket_long_path(void **state) {
  (void)state;
  char dir[64], deep[512], path[600];
  make_tmpdir(dir, sizeof dir);
  snprintf(deep, sizeof deep, "%s/%0100d", dir, 0);
  assert_int_equal(mkdir(deep, 0700), 0);
  _cleanup_close_ int dfd = open(deep, O_PATH | O_DIRECTORY | O_CLOEXEC);
  assert_true(dfd >= 0);
  snprintf(path, sizeof path, "%s/console.sock", deep);
  assert_true(strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path));
  /* Bind with a short relative name from inside the directory. */
  char cwd[PATH_MAX];
  assert_non_null(getcwd(cwd, sizeof cwd));
  assert_int_equal(chdir(deep), 0);
  int s = listen_unix("console.sock");
  assert_int_equal(chdir(cwd), 0);
  husk_error_t *err = NULL;
  int sock = husk_console_socket_connect(path, &err);
  assert_null(err);
  assert_true(sock >= 0);
  close(sock);
  close(s);
  unlink(path);
  rmdir(deep);
  rmdir(dir);
}

/* ---- husk_terminal_setup in a root of its own ---- */

static bool can_unshare_mounts(void) {
  if (geteuid() != 0)
    return false;
  pid_t pid = fork();
  if (pid == 0)
    _exit(unshare(CLONE_NEWNS) == 0 ? 0 : 1);
  int st;
  return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
         WEXITSTATUS(st) == 0;
}

typedef enum { ROOT_DEVPTS, ROOT_NO_DEVPTS, ROOT_CONSOLE_SYMLINK } root_kind_t;

/* In a child: on `dir` (made and removed by the parent, and empty on the
 * host: the tmpfs is only in the child's mount namespace), a root with /dev/pts
 * (a new devpts instance unless told otherwise), chroot into it. Exits 99 if
 * that cannot be done. */
static void enter_test_root(root_kind_t kind, const char *dir) {
  if (unshare(CLONE_NEWNS) < 0 ||
      mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
      mount("tmpfs", dir, "tmpfs", 0, "mode=755") < 0 || chdir(dir) < 0 ||
      mkdir("dev", 0755) < 0 || mkdir("dev/pts", 0755) < 0 ||
      mkdir("etc", 0755) < 0)
    _exit(99);
  if (kind != ROOT_NO_DEVPTS &&
      mount("devpts", "dev/pts", "devpts", 0,
            "newinstance,ptmxmode=0666,mode=0620") < 0)
    _exit(99);
  if (kind == ROOT_CONSOLE_SYMLINK) {
    int fd = open("etc/passwd", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, "root\n", 5) != 5 ||
        symlink("/etc/passwd", "dev/console") < 0)
      _exit(99);
    close(fd);
  }
  if (chroot(".") < 0 || chdir("/") < 0)
    _exit(99);
}

#define CHECK(cond, code)                                                      \
  do {                                                                         \
    if (!(cond)) {                                                             \
      dprintf(report, "check failed (%d): %s: %s\n", code, #cond,              \
              strerror(errno));                                                \
      _exit(code);                                                             \
    }                                                                          \
  } while (0)

static void setup_child(root_kind_t kind, const char *dir) {
  int report = dup(STDERR_FILENO); /* stderr becomes the pty */
  enter_test_root(kind, dir);
  husk_process_t proc = {
      .terminal = true,
      .has_console_size = true,
      .console_height = 30,
      .console_width = 100,
  };
  int master = -1;
  husk_error_t *err = NULL;
  int rc = husk_terminal_setup(&proc, &master, &err);
  if (kind == ROOT_NO_DEVPTS) {
    CHECK(rc < 0 && err && strstr(err->msg, "/dev/pts"), 10);
    dprintf(report, "expected error: %s\n", err->msg);
    _exit(0);
  }
  if (rc < 0)
    dprintf(report, "setup: %s\n", err ? err->msg : "?");
  CHECK(rc == 0, 11);
  CHECK(master > 2 && (fcntl(master, F_GETFD) & FD_CLOEXEC), 12);
  for (int fd = 0; fd < 3; fd++)
    CHECK(isatty(fd), 13);
  /* The first pty of a devpts of its own. */
  unsigned n = 99;
  CHECK(ioctl(master, TIOCGPTN, &n) == 0 && n == 0, 14);
  char name[64];
  CHECK(ttyname_r(0, name, sizeof name) == 0 && !strcmp(name, "/dev/pts/0"),
        15);
  struct winsize ws;
  CHECK(ioctl(0, TIOCGWINSZ, &ws) == 0 && ws.ws_row == 30 && ws.ws_col == 100,
        16);
  /* Our controlling terminal, of our own session. */
  CHECK(getsid(0) == getpid() && tcgetsid(0) == getpid(), 17);
  struct stat console, slave;
  CHECK(stat("/dev/console", &console) == 0 && fstat(0, &slave) == 0, 18);
  CHECK(S_ISCHR(console.st_mode) && console.st_rdev == slave.st_rdev, 19);
  if (kind == ROOT_CONSOLE_SYMLINK) {
    /* The symlink was replaced, not followed. */
    struct stat pw;
    CHECK(stat("/etc/passwd", &pw) == 0 && S_ISREG(pw.st_mode), 20);
    CHECK(lstat("/dev/console", &pw) == 0 && !S_ISLNK(pw.st_mode), 21);
  }
  /* What the process writes comes out of the master. */
  CHECK(write(1, "ok\n", 3) == 3, 22);
  char buf[16] = {0};
  struct pollfd p = {.fd = master, .events = POLLIN};
  CHECK(poll(&p, 1, 5000) == 1 && read(master, buf, sizeof buf - 1) > 0, 23);
  CHECK(!strncmp(buf, "ok\r\n", 4), 24);
  _exit(0);
}

static void run_setup_child(root_kind_t kind) {
  if (!can_unshare_mounts())
    skip();
  char dir[64];
  make_tmpdir(dir, sizeof dir);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0)
    setup_child(kind, dir);
  int st;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  assert_int_equal(rmdir(dir), 0);
  assert_true(WIFEXITED(st));
  if (WEXITSTATUS(st) == 99)
    skip();
  assert_int_equal(WEXITSTATUS(st), 0);
}

static void test_setup(void **state) {
  (void)state;
  run_setup_child(ROOT_DEVPTS);
}

static void test_setup_without_devpts(void **state) {
  (void)state;
  run_setup_child(ROOT_NO_DEVPTS);
}

static void test_setup_console_symlink(void **state) {
  (void)state;
  run_setup_child(ROOT_CONSOLE_SYMLINK);
}

/* ---- the proxy ---- */

/* A "container" on the slave of a fresh pty: says hello, reports each
 * line of input and the end of input, then exits. */
static pid_t spawn_on_pty(int master, bool keep_child, const int hold[2]) {
  char name[64];
  assert_int_equal(ptsname_r(master, name, sizeof name), 0);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid > 0)
    return pid;
  close(hold[1]);
  setsid();
  int s = open(name, O_RDWR); /* becomes the controlling terminal */
  if (s < 0)
    _exit(90);
  dup2(s, 0);
  dup2(s, 1);
  dup2(s, 2);
  struct termios t;
  tcgetattr(0, &t);
  t.c_lflag &= ~ECHO; /* keep the expected output simple */
  tcsetattr(0, TCSANOW, &t);
  if (keep_child && fork() == 0) {
    /* Holds the slave open after we are gone, until the test closes the
     * other end of `hold`. */
    char c;
    while (read(hold[0], &c, 1) < 0 && errno == EINTR)
      ;
    _exit(0);
  }
  printf("hello\n");
  fflush(stdout);
  if (keep_child)
    _exit(0);
  char line[256];
  while (fgets(line, sizeof line, stdin))
    printf("got:%s|\n", strtok(line, "\n") ? line : "");
  printf("eof\n");
  fflush(stdout);
  _exit(0);
}

/* Run husk_tty_proxy in a child with stdin from `input` and stdout to a
 * pipe; returns everything it printed. */
static char *proxy_output(const char *input, bool keep_child) {
  int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  assert_true(master >= 0);
  assert_int_equal(grantpt(master), 0);
  assert_int_equal(unlockpt(master), 0);
  int hold[2];
  assert_int_equal(pipe2(hold, O_CLOEXEC), 0);
  pid_t ctr = spawn_on_pty(master, keep_child, hold);
  close(hold[0]);
  int in[2], out[2];
  assert_int_equal(pipe2(in, O_CLOEXEC), 0);
  assert_int_equal(pipe2(out, O_CLOEXEC), 0);
  assert_int_equal(write(in[1], input, strlen(input)), (ssize_t)strlen(input));
  close(in[1]);
  int pidfd = keep_child ? syscall(SYS_pidfd_open, ctr, 0) : -1;
  pid_t proxy = fork();
  assert_true(proxy >= 0);
  if (proxy == 0) {
    close(hold[1]);
    dup2(in[0], 0);
    dup2(out[1], 1);
    husk_error_t *err = NULL;
    int rc = husk_tty_proxy_pidfd(master, pidfd, &err);
    if (rc < 0)
      fprintf(stderr, "proxy: %s\n", err->msg);
    _exit(rc < 0 ? 1 : 0);
  }
  close(in[0]);
  close(out[1]);
  close(master);
  if (pidfd >= 0)
    close(pidfd);
  static char buf[4096];
  size_t len = 0;
  for (;;) {
    struct pollfd p = {.fd = out[0], .events = POLLIN};
    assert_int_equal(poll(&p, 1, 10000), 1); /* bounded: no hang */
    ssize_t n = read(out[0], buf + len, sizeof buf - 1 - len);
    assert_true(n >= 0);
    if (n == 0)
      break;
    len += n;
  }
  buf[len] = '\0';
  close(out[0]);
  int st;
  assert_int_equal(waitpid(proxy, &st, 0), proxy);
  assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  assert_int_equal(waitpid(ctr, &st, 0), ctr);
  close(hold[1]); /* lets the slave's last holder go */
  return buf;
}

static void test_proxy_copies_both_ways(void **state) {
  (void)state;
  char *out = proxy_output("ping\npong\n", false);
  assert_non_null(strstr(out, "hello\r\n"));
  assert_non_null(strstr(out, "got:ping|\r\n"));
  assert_non_null(strstr(out, "got:pong|\r\n"));
  /* The end of stdin reached the container as an end of file. */
  assert_non_null(strstr(out, "eof\r\n"));
}

static void test_proxy_eof_after_partial_line(void **state) {
  (void)state;
  char *out = proxy_output("abc", false);
  assert_non_null(strstr(out, "got:abc|\r\n"));
  assert_non_null(strstr(out, "eof\r\n"));
}

/* The init exits while a child of it still holds the slave: the pidfd
 * ends the proxy anyway, with the output so far. */
static void test_proxy_stops_on_exit(void **state) {
  (void)state;
  char *out = proxy_output("", true);
  assert_non_null(strstr(out, "hello\r\n"));
}

int main(void) {
  /* Writes to a pty whose reader left must not kill the test. */
  signal(SIGPIPE, SIG_IGN);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pass_stream),
      cmocka_unit_test(test_pass_seqpacket),
      cmocka_unit_test(test_pass_without_name),
      cmocka_unit_test(test_recv_errors),
      cmocka_unit_test(test_recv_two_fds),
      cmocka_unit_test(test_terminal_send),
      cmocka_unit_test(test_console_socket_missing),
      cmocka_unit_test(test_console_socket_long_path),
      cmocka_unit_test(test_setup),
      cmocka_unit_test(test_setup_without_devpts),
      cmocka_unit_test(test_setup_console_symlink),
      cmocka_unit_test(test_proxy_copies_both_ways),
      cmocka_unit_test(test_proxy_eof_after_partial_line),
      cmocka_unit_test(test_proxy_stops_on_exit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
