/* The pty proxy of `husk run`: one poll loop over husk's stdin and stdout,
 * the master, a signalfd for SIGWINCH and optionally the init's pidfd.
 * Each direction has a buffer, and the master is non-blocking, so a
 * container that does not read its input can never stop us from reading
 * its output (and the other way round). husk's own stdin and stdout keep
 * their flags: they are usually shared with the caller's shell. */
#include "runtime/tty_proxy.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#define BUF_SIZE 16384

/* ---- buffers ---- */

typedef struct {
  char data[BUF_SIZE];
  size_t start, len;
} buf_t;

static size_t buf_room(buf_t *b) {
  if (b->start + b->len == BUF_SIZE && b->start > 0) {
    memmove(b->data, b->data + b->start, b->len);
    b->start = 0;
  }
  return BUF_SIZE - b->start - b->len;
}

static void buf_clear(buf_t *b) {
  b->start = b->len = 0;
}

/* read() into b: >0 bytes, 0 at EOF, -1 with errno. */
static ssize_t buf_fill(buf_t *b, int fd) {
  size_t room = buf_room(b);
  ssize_t n;
  do
    n = read(fd, b->data + b->start + b->len, room);
  while (n < 0 && errno == EINTR);
  if (n > 0)
    b->len += n;
  return n;
}

/* One write() from b. At most PIPE_BUF bytes: after POLLOUT a blocking
 * pipe takes that much without blocking. */
static ssize_t buf_drain(buf_t *b, int fd) {
  size_t len = b->len < PIPE_BUF ? b->len : PIPE_BUF;
  ssize_t n;
  do
    n = write(fd, b->data + b->start, len);
  while (n < 0 && errno == EINTR);
  if (n > 0) {
    b->start += n;
    b->len -= n;
    if (b->len == 0)
      b->start = 0;
  }
  return n;
}

static bool fd_open(int fd) {
  return fcntl(fd, F_GETFD) >= 0;
}

/* ---- the caller's terminal: raw while we run, restored always ---- */

static struct termios saved_termios;
static volatile sig_atomic_t raw_fd = -1;

/* Signals whose default action ends husk; with a handler already installed
 * (`husk run` forwards several to the container) they are left alone. */
static const int fatal_signals[] = {SIGHUP,  SIGINT,    SIGQUIT, SIGTERM,
                                    SIGALRM, SIGUSR1,   SIGUSR2, SIGXCPU,
                                    SIGXFSZ, SIGVTALRM, SIGPROF};
#define N_FATAL (sizeof fatal_signals / sizeof *fatal_signals)

static void restore_terminal(void) {
  int fd = raw_fd;
  if (fd >= 0) {
    tcsetattr(fd, TCSANOW, &saved_termios);
    raw_fd = -1;
  }
}

/* SA_RESETHAND put the default action back: raising again ends husk as the
 * signal would have, with the terminal usable. */
static void on_fatal_signal(int sig) {
  restore_terminal();
  raise(sig);
}

typedef struct {
  int master, pidfd;
  int sigfd;        /* SIGWINCH */
  int size_from;    /* the caller's terminal, whose size the pty follows */
  int master_flags; /* to give the master back as it came */
  bool in_tty;      /* stdin is a terminal (now raw) */
  bool mask_saved;
  sigset_t old_mask;
  struct sigaction old_fatal[N_FATAL], old_pipe;
  bool fatal_set[N_FATAL], pipe_set;
  buf_t in, out; /* stdin -> master, master -> stdout */
  bool in_open, out_ok, master_open, exited;
  char last_in;
} proxy_t;

static void copy_size(const proxy_t *p, bool initial) {
  struct winsize ws;
  if (p->size_from < 0 || ioctl(p->size_from, TIOCGWINSZ, &ws) < 0)
    return;
  /* A terminal that never had a size (a script(1) without one) must not
   * wipe out process.consoleSize. */
  if (initial && (ws.ws_row == 0 || ws.ws_col == 0))
    return;
  ioctl(p->master, TIOCSWINSZ, &ws);
}

/* The end of input, told to the container the way a keyboard does: the
 * EOF character, twice if a line is pending (the first only ends it). */
static void queue_eof(proxy_t *p) {
  struct termios t;
  if (tcgetattr(p->master, &t) < 0 || t.c_cc[VEOF] == _POSIX_VDISABLE)
    return;
  int times = (t.c_lflag & ICANON) && p->last_in != '\n' ? 2 : 1;
  for (int i = 0; i < times && buf_room(&p->in) > 0; i++)
    p->in.data[p->in.start + p->in.len++] = t.c_cc[VEOF];
  p->last_in = '\n';
}

/* Lines typed before we go raw, read while the terminal is still
 * canonical: an EOF typed there would otherwise turn into a NUL byte once
 * the terminal is raw (the line discipline keeps it as one). It is passed
 * on as the container's EOF character instead. */
static void take_typeahead(proxy_t *p) {
  for (;;) {
    struct pollfd fd = {.fd = STDIN_FILENO, .events = POLLIN};
    if (buf_room(&p->in) == 0 || poll(&fd, 1, 0) != 1 || !(fd.revents & POLLIN))
      return;
    ssize_t n = buf_fill(&p->in, STDIN_FILENO);
    if (n > 0)
      p->last_in = p->in.data[p->in.start + p->in.len - 1];
    else if (n == 0)
      queue_eof(p);
    else
      return;
  }
}

static void enter_raw(proxy_t *p) {
  if (tcgetattr(STDIN_FILENO, &saved_termios) < 0)
    return;
  for (size_t i = 0; i < N_FATAL; i++) {
    struct sigaction sa = {.sa_handler = on_fatal_signal,
                           .sa_flags = SA_RESETHAND};
    sigemptyset(&sa.sa_mask);
    if (sigaction(fatal_signals[i], NULL, &p->old_fatal[i]) == 0 &&
        p->old_fatal[i].sa_handler == SIG_DFL &&
        !(p->old_fatal[i].sa_flags & SA_SIGINFO))
      p->fatal_set[i] = sigaction(fatal_signals[i], &sa, NULL) == 0;
  }
  if (saved_termios.c_lflag & ICANON)
    take_typeahead(p);
  struct termios raw = saved_termios;
  cfmakeraw(&raw);
  /* Set before the switch: restoring a terminal that is not raw yet is
   * harmless, missing the restore of a raw one is not. */
  raw_fd = STDIN_FILENO;
  if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) < 0) {
    raw_fd = -1;
    return;
  }
  p->in_tty = true;
}

static int enter(proxy_t *p, husk_error_t **err) {
  for (int fd = 0; fd < 3 && p->size_from < 0; fd++)
    if (isatty(fd))
      p->size_from = fd;
  p->master_flags = fcntl(p->master, F_GETFL);
  if (p->master_flags < 0 ||
      fcntl(p->master, F_SETFL, p->master_flags | O_NONBLOCK) < 0)
    return husk_error_errno(err, "tty: pty master");
  sigset_t winch;
  sigemptyset(&winch);
  sigaddset(&winch, SIGWINCH);
  if (sigprocmask(SIG_BLOCK, &winch, &p->old_mask) < 0)
    return husk_error_errno(err, "tty: block SIGWINCH");
  p->mask_saved = true;
  p->sigfd = signalfd(-1, &winch, SFD_NONBLOCK | SFD_CLOEXEC);
  if (p->sigfd < 0)
    return husk_error_errno(err, "tty: signalfd");
  /* A reader of our stdout that goes away is not a reason to die: the
   * container's output is then dropped until it exits. */
  struct sigaction ign = {.sa_handler = SIG_IGN};
  sigemptyset(&ign.sa_mask);
  p->pipe_set = sigaction(SIGPIPE, &ign, &p->old_pipe) == 0;
  if (p->in_open && isatty(STDIN_FILENO))
    enter_raw(p);
  copy_size(p, true);
  return 0;
}

static void leave(proxy_t *p) {
  restore_terminal();
  for (size_t i = 0; i < N_FATAL; i++)
    if (p->fatal_set[i])
      sigaction(fatal_signals[i], &p->old_fatal[i], NULL);
  if (p->pipe_set)
    sigaction(SIGPIPE, &p->old_pipe, NULL);
  if (p->sigfd >= 0)
    close(p->sigfd);
  if (p->mask_saved)
    sigprocmask(SIG_SETMASK, &p->old_mask, NULL);
  if (p->master_flags >= 0)
    fcntl(p->master, F_SETFL, p->master_flags);
}

/* ---- the loop ---- */

/* Everything the master has now; false once it hung up. */
static bool read_master(proxy_t *p) {
  while (buf_room(&p->out) > 0) {
    ssize_t n = buf_fill(&p->out, p->master);
    if (n > 0) {
      if (!p->out_ok)
        buf_clear(&p->out); /* nobody reads: drop */
      continue;
    }
    /* EIO: no slave is open any more; 0 should not happen on a pty. */
    if (n == 0 || errno == EIO)
      return false;
    return true; /* EAGAIN */
  }
  return true;
}

static void read_stdin(proxy_t *p) {
  ssize_t n = buf_fill(&p->in, STDIN_FILENO);
  if (n > 0) {
    p->last_in = p->in.data[p->in.start + p->in.len - 1];
    return;
  }
  if (n < 0 && errno == EAGAIN)
    return;
  /* EOF, or an error such as a hung-up terminal: no more input. A raw
   * terminal passes the user's ^D on as a byte already. */
  p->in_open = false;
  if (!p->in_tty)
    queue_eof(p);
}

static void write_master(proxy_t *p) {
  if (buf_drain(&p->in, p->master) < 0 && errno != EAGAIN)
    buf_clear(&p->in); /* the pty refuses input: drop it */
}

static void write_stdout(proxy_t *p) {
  if (buf_drain(&p->out, STDOUT_FILENO) < 0 && errno != EAGAIN) {
    p->out_ok = false;
    buf_clear(&p->out);
  }
}

static void on_winch(proxy_t *p) {
  struct signalfd_siginfo si;
  bool got = false;
  while (read(p->sigfd, &si, sizeof si) == sizeof si)
    got = true;
  if (got)
    copy_size(p, false);
}

static int pump_once(proxy_t *p, husk_error_t **err) {
  short mev = (buf_room(&p->out) > 0 ? POLLIN : 0) | (p->in.len ? POLLOUT : 0);
  struct pollfd fds[5] = {
      {.fd = p->in_open && buf_room(&p->in) > 0 ? STDIN_FILENO : -1,
       .events = POLLIN},
      /* No events wanted: leave it out, or a hang-up would spin us. */
      {.fd = mev ? p->master : -1, .events = mev},
      {.fd = p->out_ok && p->out.len ? STDOUT_FILENO : -1, .events = POLLOUT},
      {.fd = p->sigfd, .events = POLLIN},
      {.fd = p->exited ? -1 : p->pidfd, .events = POLLIN},
  };
  if (poll(fds, 5, -1) < 0) {
    if (errno == EINTR)
      return 0;
    return husk_error_errno(err, "tty: poll");
  }
  if (fds[3].revents)
    on_winch(p);
  if (fds[0].revents & POLLNVAL)
    p->in_open = false;
  else if (fds[0].revents)
    read_stdin(p);
  if (fds[1].revents & (POLLIN | POLLHUP | POLLERR))
    p->master_open = read_master(p);
  if (fds[1].revents & POLLOUT)
    write_master(p);
  if (fds[2].revents & (POLLERR | POLLNVAL)) {
    p->out_ok = false;
    buf_clear(&p->out);
  } else if (fds[2].revents) {
    write_stdout(p);
  }
  if (fds[4].revents) {
    /* The init is gone: what it wrote is in the pty already. */
    p->exited = true;
    p->master_open = false;
  }
  return 0;
}

/* The buffered output, with a bounded wait on a slow stdout. */
static void flush_stdout(proxy_t *p) {
  while (p->out_ok && p->out.len) {
    struct pollfd fd = {.fd = STDOUT_FILENO, .events = POLLOUT};
    if (poll(&fd, 1, 5000) <= 0 || (fd.revents & (POLLERR | POLLNVAL)))
      return;
    write_stdout(p);
  }
}

/* At the end: everything the pty still holds, however much that is. */
static void drain(proxy_t *p) {
  for (;;) {
    flush_stdout(p);
    if (p->out.len)
      return; /* stdout is stuck */
    read_master(p);
    if (!p->out.len)
      return;
  }
}

int husk_tty_proxy_pidfd(int master, int pidfd, husk_error_t **err) {
  /* 32 KiB of buffers: on the heap, not on the stack. */
  proxy_t *p = calloc(1, sizeof *p);
  if (!p)
    return husk_error_errno(err, "tty");
  p->master = master;
  p->pidfd = pidfd;
  p->sigfd = p->size_from = p->master_flags = -1;
  p->in_open = fd_open(STDIN_FILENO);
  p->out_ok = fd_open(STDOUT_FILENO);
  p->master_open = true;
  p->last_in = '\n';
  int rc = enter(p, err);
  while (rc == 0 && p->master_open)
    rc = pump_once(p, err);
  if (rc == 0)
    drain(p);
  leave(p);
  free(p);
  return rc;
}

int husk_tty_proxy(int master, husk_error_t **err) {
  return husk_tty_proxy_pidfd(master, -1, err);
}
