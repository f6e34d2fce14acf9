/* The container's pty. Everything is reached from fds checked to be what
 * they claim (the devpts at /dev/pts, the slave by TIOCGPTPEER), so a
 * rootfs with symlinks or fake device nodes cannot redirect it. */
#include "linux/terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <termios.h>
#include <unistd.h>

#include "linux/fdpass.h"
#include "linux/mounts.h"
#include "linux/safe_path.h"
#include "util/cleanup.h"

#ifndef DEVPTS_SUPER_MAGIC
#define DEVPTS_SUPER_MAGIC 0x1cd1
#endif
#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

/* The devpts instance mounted at /dev/pts inside the root, checked to be
 * one: its ptmx gives ptys numbered in the container's own namespace. */
static int open_devpts(int rootfd, husk_error_t **err) {
  _cleanup_close_ int fd =
      husk_open_in_root(rootfd, "/dev/pts", O_PATH | O_DIRECTORY, 0);
  if (fd < 0)
    return husk_error_errno(err, "process.terminal: open /dev/pts (a "
                                 "devpts mount there is needed)");
  struct statfs sfs;
  if (fstatfs(fd, &sfs) < 0)
    return husk_error_errno(err, "process.terminal: statfs /dev/pts");
  if (sfs.f_type != DEVPTS_SUPER_MAGIC)
    return husk_error_set(err, 0,
                          "process.terminal: /dev/pts is not a devpts mount "
                          "(add one to mounts)");
  return husk_steal_fd(&fd);
}

static int open_master(int ptsfd, husk_error_t **err) {
  /* devpts holds no symlinks; O_NOFOLLOW says so anyway. */
  _cleanup_close_ int fd =
      openat(ptsfd, "ptmx", O_RDWR | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return husk_error_errno(err, "process.terminal: open /dev/pts/ptmx");
  int unlock = 0;
  if (ioctl(fd, TIOCSPTLCK, &unlock) < 0)
    return husk_error_errno(err, "process.terminal: ioctl TIOCSPTLCK on "
                                 "/dev/pts/ptmx");
  return husk_steal_fd(&fd);
}

static int set_size(int master, const husk_process_t *proc,
                    husk_error_t **err) {
  if (!proc->has_console_size)
    return 0;
  /* struct winsize has 16-bit fields: refuse what would wrap. */
  if (proc->console_height > USHRT_MAX || proc->console_width > USHRT_MAX)
    return husk_error_set(err, 0,
                          "config.json: process.consoleSize: %ux%u is larger "
                          "than a terminal can be (at most %u)",
                          proc->console_height, proc->console_width, USHRT_MAX);
  struct winsize ws = {.ws_row = proc->console_height,
                       .ws_col = proc->console_width};
  if (ioctl(master, TIOCSWINSZ, &ws) < 0)
    return husk_error_errno(err, "config.json: process.consoleSize: ioctl "
                                 "TIOCSWINSZ");
  return 0;
}

/* The slave of `master`: by TIOCGPTPEER (Linux 4.13), which cannot be
 * swapped under us; before that by number in the checked devpts. */
static int open_slave(int master, int ptsfd, husk_error_t **err) {
  int flags = O_RDWR | O_NOCTTY | O_CLOEXEC;
  int fd = ioctl(master, TIOCGPTPEER, flags);
  if (fd >= 0)
    return fd;
  if (errno != EINVAL && errno != ENOTTY)
    return husk_error_errno(err, "process.terminal: ioctl TIOCGPTPEER");
  unsigned n;
  if (ioctl(master, TIOCGPTN, &n) < 0)
    return husk_error_errno(err, "process.terminal: ioctl TIOCGPTN");
  char name[16];
  snprintf(name, sizeof name, "%u", n);
  fd = openat(ptsfd, name, flags | O_NOFOLLOW);
  if (fd < 0)
    return husk_error_errno(err, "process.terminal: open /dev/pts/%s", name);
  return fd;
}

/* /dev/console as a mount point: an existing file or device node is used,
 * a symlink is replaced (binding through it would cover its target), and a
 * missing one is made as an empty file. */
static int console_target(int rootfd, husk_error_t **err) {
  _cleanup_close_ int devfd =
      husk_mkpath_in_root(rootfd, "/dev", false, 0755, err);
  if (devfd < 0)
    return husk_error_wrap(err, "process.terminal");
  /* mkpath gives O_PATH; creating below needs a real directory fd. */
  _cleanup_close_ int dir =
      openat(devfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0)
    return husk_error_errno(err, "process.terminal: open /dev");
  for (int attempt = 0; attempt < 2; attempt++) {
    int fd = openat(dir, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
      fd = openat(dir, "console",
                  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (fd < 0 && errno == EEXIST)
        continue; /* appeared meanwhile: look again */
    }
    if (fd < 0)
      return husk_error_errno(err, "process.terminal: create /dev/console");
    struct stat st;
    if (fstat(fd, &st) < 0) {
      close(fd);
      return husk_error_errno(err, "process.terminal: stat /dev/console");
    }
    if (S_ISREG(st.st_mode) || S_ISCHR(st.st_mode))
      return fd;
    close(fd);
    if (!S_ISLNK(st.st_mode))
      return husk_error_set(err, 0,
                            "process.terminal: /dev/console exists and is "
                            "neither a file nor a device");
    if (unlinkat(dir, "console", 0) < 0 && errno != ENOENT)
      return husk_error_errno(err, "process.terminal: remove the symlink "
                                   "/dev/console");
  }
  return husk_error_set(err, EEXIST, "process.terminal: create /dev/console");
}

/* Bind the slave over /dev/console. The new mount API needs no path at
 * all; mount(2) through /proc/self/fd is the fallback, after checking that
 * /proc really is a procfs and not something the rootfs put there. */
static int bind_console(int slave, int target, husk_error_t **err) {
  _cleanup_close_ int tree =
      open_tree(slave, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
  if (tree >= 0) {
    if (move_mount(tree, "", target, "",
                   MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
      return husk_error_errno(err, "process.terminal: mount the pty on "
                                   "/dev/console");
    return 0;
  }
  if (errno != ENOSYS)
    return husk_error_errno(err, "process.terminal: open_tree of the pty");
  struct statfs sfs;
  if (statfs("/proc", &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
    return husk_error_set(err, 0,
                          "process.terminal: mount the pty on /dev/console: "
                          "no open_tree(2), and /proc is not a procfs");
  if (husk_bind_fd(slave, target, false) < 0)
    return husk_error_errno(err, "process.terminal: mount the pty on "
                                 "/dev/console");
  return 0;
}

/* A session of our own with the slave as its terminal. The init may be a
 * session leader already (then setsid fails with EPERM): that is fine. */
static int make_controlling(int slave, husk_error_t **err) {
  if (setsid() < 0 && !(errno == EPERM && getsid(0) == getpid()))
    return husk_error_errno(err, "process.terminal: setsid");
  if (ioctl(slave, TIOCSCTTY, 0) < 0)
    return husk_error_errno(err, "process.terminal: ioctl TIOCSCTTY");
  return 0;
}

static int setup(const husk_process_t *proc, bool console, int *master,
                 husk_error_t **err) {
  _cleanup_close_ int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return husk_error_errno(err, "process.terminal: open /");
  _cleanup_close_ int ptsfd = open_devpts(rootfd, err);
  if (ptsfd < 0)
    return -1;
  _cleanup_close_ int m = open_master(ptsfd, err);
  if (m < 0 || set_size(m, proc, err) < 0)
    return -1;
  _cleanup_close_ int slave = open_slave(m, ptsfd, err);
  if (slave < 0)
    return -1;
  if (console) {
    _cleanup_close_ int target = console_target(rootfd, err);
    if (target < 0 || bind_console(slave, target, err) < 0)
      return -1;
  }
  /* The process's own terminal, as login(1) does it: the uid gets it,
   * the group stays devpts' (gid=5, tty, in the usual mounts). */
  if (fchown(slave, proc->user.uid, (gid_t)-1) < 0)
    return husk_error_errno(err, "process.terminal: chown the pty to uid %u",
                            proc->user.uid);
  if (make_controlling(slave, err) < 0)
    return -1;
  for (int fd = 0; fd < 3; fd++)
    if (dup2(slave, fd) < 0)
      return husk_error_errno(err, "process.terminal: dup2 the pty to fd %d",
                              fd);
  *master = husk_steal_fd(&m);
  return 0;
}

int husk_terminal_setup(const husk_process_t *proc, int *master,
                        husk_error_t **err) {
  return setup(proc, true, master, err);
}

int husk_terminal_setup_exec(const husk_process_t *proc, int *master,
                             husk_error_t **err) {
  return setup(proc, false, master, err);
}

int husk_console_socket_connect(const char *path, husk_error_t **err) {
  int sock = husk_unix_connect(path);
  if (sock < 0)
    return husk_error_errno(err, "--console-socket %s: connect", path);
  return sock;
}

int husk_console_socket_send(int sock, int master, husk_error_t **err) {
  if (husk_send_fd(sock, master, HUSK_PTY_MASTER_NAME) < 0)
    return husk_error_errno(err, "--console-socket: send the pty master");
  return 0;
}

int husk_terminal_send(const char *socket_path, int master,
                       husk_error_t **err) {
  _cleanup_close_ int sock = husk_console_socket_connect(socket_path, err);
  if (sock < 0)
    return -1;
  if (husk_send_fd(sock, master, HUSK_PTY_MASTER_NAME) < 0)
    return husk_error_errno(err, "--console-socket %s: send the pty master",
                            socket_path);
  return 0;
}
