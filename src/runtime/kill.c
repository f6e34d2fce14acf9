/* `husk kill`: signals go through pidfds checked against the recorded start
 * time, so a recycled pid is never hit. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "linux/pidinfo.h"
#include "runtime/signal.h"
#include "runtime/state.h"
#include "util/cleanup.h"

static const struct {
  const char *name;
  int sig;
} signal_names[] = {
    {"HUP", SIGHUP},   {"INT", SIGINT},       {"QUIT", SIGQUIT},
    {"ILL", SIGILL},   {"TRAP", SIGTRAP},     {"ABRT", SIGABRT},
    {"IOT", SIGIOT},   {"BUS", SIGBUS},       {"FPE", SIGFPE},
    {"KILL", SIGKILL}, {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2}, {"PIPE", SIGPIPE},     {"ALRM", SIGALRM},
    {"TERM", SIGTERM}, {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},
    {"CONT", SIGCONT}, {"STOP", SIGSTOP},     {"TSTP", SIGTSTP},
    {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},
    {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ},     {"VTALRM", SIGVTALRM},
    {"PROF", SIGPROF}, {"WINCH", SIGWINCH},   {"IO", SIGIO},
    {"POLL", SIGPOLL}, {"PWR", SIGPWR},       {"SYS", SIGSYS},
};

int husk_parse_signal(const char *s) {
  if (isdigit((unsigned char)s[0])) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    /* 0 only asks whether the init is alive, as with kill(2). */
    return errno || *end || v < 0 || v > SIGRTMAX ? -1 : (int)v;
  }
  if (strncasecmp(s, "SIG", 3) == 0)
    s += 3;
  for (size_t i = 0; i < sizeof signal_names / sizeof *signal_names; i++)
    if (strcasecmp(s, signal_names[i].name) == 0)
      return signal_names[i].sig;
  if (strncasecmp(s, "RTMIN", 5) == 0 || strncasecmp(s, "RTMAX", 5) == 0) {
    int base = strncasecmp(s, "RTMIN", 5) == 0 ? SIGRTMIN : SIGRTMAX;
    if (!s[5])
      return base;
    char *end;
    long off = strtol(s + 5, &end, 10);
    long sig = base + off;
    return *end || sig < SIGRTMIN || sig > SIGRTMAX ? -1 : (int)sig;
  }
  return -1;
}

static int send_to(int pidfd, int sig) {
  return syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

static bool same_pid_ns(pid_t pid, const struct stat *ns) {
  char path[64];
  struct stat st;
  snprintf(path, sizeof path, "/proc/%d/ns/pid", pid);
  return stat(path, &st) == 0 && st.st_ino == ns->st_ino &&
         st.st_dev == ns->st_dev;
}

static int signal_cgroup(const husk_state_t *st, int sig, husk_error_t **err) {
  husk_cgroup_t *cg = NULL;
  if (husk_cgroup_load(st->cgroup_path, &cg, err) < 0)
    return -1;
  int rc = husk_cgroup_kill(cg, sig, err);
  husk_cgroup_free(cg);
  return rc;
}

/* runc's phrase: containerd's shim matches "container not running" to tell
 * a finished process from a failed kill. */
static int not_running(const char *id, int errno_value, husk_error_t **err) {
  return husk_error_set(err, errno_value,
                        "cannot signal \"%s\": container not running", id);
}

int husk_signal_all(const husk_state_t *st, int sig, husk_error_t **err) {
  _cleanup_close_ int init = husk_pidfd_for(st->pid, st->pid_start_time);
  if (init < 0)
    return not_running(st->id, 0, err);
  if (st->cgroup_path)
    return signal_cgroup(st, sig, err);
  char path[64];
  struct stat ns, host;
  snprintf(path, sizeof path, "/proc/%d/ns/pid", st->pid);
  bool own_ns = stat(path, &ns) == 0 && stat("/proc/self/ns/pid", &host) == 0 &&
                ns.st_ino != host.st_ino;
  if (own_ns) {
    DIR *d = opendir("/proc");
    struct dirent *de;
    while (d && (de = readdir(d))) {
      pid_t pid = atoi(de->d_name);
      if (pid <= 0 || pid == st->pid || !same_pid_ns(pid, &ns))
        continue;
      int fd = syscall(SYS_pidfd_open, pid, 0);
      /* Re-checked through the pidfd's process: no reuse race. */
      if (fd >= 0 && same_pid_ns(pid, &ns))
        send_to(fd, sig);
      if (fd >= 0)
        close(fd);
    }
    if (d)
      closedir(d);
  }
  if (send_to(init, sig) < 0 && errno != ESRCH)
    return husk_error_errno(err, "signal container \"%s\"", st->id);
  return 0;
}

int husk_container_kill(const husk_context_t *ctx, const char *id, int sig,
                        bool all, husk_error_t **err) {
  _cleanup_close_ int dirfd = husk_state_dir_lock(ctx, id, err);
  if (dirfd < 0)
    return -1;
  husk_state_t *st = NULL;
  if (husk_state_load_at(dirfd, id, &st, err) < 0)
    return -1;
  int rc = -1;
  if (all && st->status == HUSK_STATUS_STOPPED) {
    /* As runc: --all still reaches what is left in the cgroup once the init
     * is gone (containerd's shim kills an exited init's children so), and
     * an empty or missing cgroup is no error. */
    rc = st->cgroup_path ? signal_cgroup(st, sig, err) : 0;
  } else if (st->status == HUSK_STATUS_STOPPED ||
             st->status == HUSK_STATUS_CREATING) {
    not_running(id, 0, err);
  } else if (all) {
    rc = husk_signal_all(st, sig, err);
  } else {
    _cleanup_close_ int pidfd = husk_pidfd_for(st->pid, st->pid_start_time);
    if (pidfd < 0 || send_to(pidfd, sig) < 0)
      not_running(id, pidfd < 0 ? 0 : errno, err);
    else
      rc = 0;
  }
  husk_state_free(st);
  return rc;
}
