/* `husk exec`: a new process inside a running container. It is cloned into
 * the container's pid namespace and cgroup, joins the other namespaces
 * through the init's pidfd, then is set up like the init's process. */
#include "runtime/exec.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "linux/caps.h"
#include "linux/clone.h"
#include "linux/lsm.h"
#include "linux/pidinfo.h"
#include "linux/process.h"
#include "linux/scheduling.h"
#include "linux/seccomp_filter.h"
#include "linux/sync.h"
#include "linux/terminal.h"
#include "runtime/create.h"
#include "runtime/exec_process.h"
#include "runtime/pidfd_socket.h"
#include "runtime/preserve_fds.h"
#include "runtime/seccomp_listener.h"
#include "runtime/state.h"
#include "runtime/tty_proxy.h"
#include "runtime/wait.h"
#include "util/cleanup.h"
#include "util/log.h"

#define SETUP_TIMEOUT_MS 60000

static int parse_id(const char *s, uint32_t *out) {
  if (!*s || strlen(s) > 10)
    return -1;
  uint64_t v = 0;
  for (const char *p = s; *p; p++) {
    if (*p < '0' || *p > '9')
      return -1;
    v = v * 10 + (*p - '0');
  }
  if (v >= UINT32_MAX) /* (uint32_t)-1 means "no change" to the kernel */
    return -1;
  *out = (uint32_t)v;
  return 0;
}

int husk_parse_user(const char *s, uint32_t *uid, uint32_t *gid, bool *has_gid,
                    husk_error_t **err) {
  _cleanup_free_ char *copy = strdup(s);
  if (!copy)
    return husk_error_errno(err, "--user");
  char *colon = strchr(copy, ':');
  if (colon)
    *colon = '\0';
  *has_gid = colon != NULL;
  if (parse_id(copy, uid) < 0 || (colon && parse_id(colon + 1, gid) < 0))
    return husk_error_set(err, 0,
                          "--user: \"%s\" is not UID or UID:GID (decimal, "
                          "below 4294967295)",
                          s);
  return 0;
}

/* Namespaces of the init that differ from ours: the ones to join. */
static int namespaces_to_join(pid_t pid) {
  int flags = 0;
  for (int t = 0; t < HUSK_NS_COUNT; t++) {
    char theirs[64], ours[64];
    snprintf(theirs, sizeof theirs, "/proc/%d/ns/%s", pid,
             husk_ns_table[t].proc_name);
    snprintf(ours, sizeof ours, "/proc/self/ns/%s", husk_ns_table[t].proc_name);
    struct stat a, b;
    if (stat(theirs, &a) == 0 && stat(ours, &b) == 0 &&
        (a.st_ino != b.st_ino || a.st_dev != b.st_dev))
      flags |= husk_ns_table[t].clone_flag;
  }
  return flags;
}

typedef struct {
  const husk_process_t *proc;
  int init_pidfd, ns_flags, sync_fd, procfd, console_fd;
  unsigned preserve_fds;
  husk_seccomp_filter_t *seccomp;   /* the container's linux.seccomp, or NULL */
  const husk_memory_policy_t *mpol; /* the container's linux.memoryPolicy */
} exec_child_t;

/* READY, then wait for the parent's go-ahead: a process joining a paused
 * container's cgroup after setup freezes here, before it execs. */
static int ready_and_wait(int sync_fd, int master, husk_error_t **err) {
  int rc = husk_sync_send_fd(sync_fd, HUSK_SYNC_READY, master, err);
  if (master >= 0)
    close(master);
  if (rc < 0)
    return -1;
  return husk_sync_expect(sync_fd, -1, HUSK_SYNC_SETUP, SETUP_TIMEOUT_MS, err);
}

/* A pty for the process; its master goes to the console socket, or
 * (*master) back to the parent with READY. */
static int open_terminal(const exec_child_t *c, int *master,
                         husk_error_t **err) {
  if (!c->proc->terminal)
    return 0;
  if (husk_terminal_setup_exec(c->proc, master, err) < 0)
    return -1;
  if (c->console_fd < 0)
    return 0;
  int rc = husk_console_socket_send(c->console_fd, *master, err);
  close(*master);
  *master = -1;
  return rc;
}

_Noreturn static void child_main(const exec_child_t *c) {
  husk_error_t *err = NULL;
  int master = -1;
  _cleanup_free_ char *exe = NULL;
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (c->seccomp)
    c->seccomp->report_fd = c->sync_fd;
  /* The pid namespace was entered by the parent for us. */
  int flags = c->ns_flags & ~CLONE_NEWPID;
  if (flags && setns(c->init_pidfd, flags) < 0)
    husk_error_errno(&err, "join the container's namespaces");
  else if (husk_sync_expect(c->sync_fd, -1, HUSK_SYNC_SETUP, SETUP_TIMEOUT_MS,
                            &err) == 0 &&
           open_terminal(c, &master, &err) == 0 &&
           husk_process_prepare(c->proc, c->procfd, false, c->seccomp, &exe,
                                &err) == 0 &&
           husk_mempolicy_apply(c->mpol, &err) == 0 &&
           husk_affinity_final(c->proc, &err) == 0) {
    prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
    if (ready_and_wait(c->sync_fd, master, &err) == 0) {
      close(c->sync_fd);
      husk_process_exec(c->proc, exe, c->preserve_fds, c->seccomp, &err);
      dprintf(STDERR_FILENO, "husk: %s\n", err ? err->msg : "exec failed");
      _exit(127);
    }
  }
  husk_sync_send_error(c->sync_fd, err);
  _exit(1);
}

typedef struct {
  pid_t pid;
  int pidfd;
  int master; /* the pty master to proxy, or -1 */
} spawned_t;

/* The container's cgroup, or the --cgroup sub-cgroups of it. */
static int join_cgroup(const husk_cgroup_t *cg, const husk_cgroup_sub_t *sub,
                       pid_t pid, bool in_clone3_cgroup, husk_error_t **err) {
  return sub ? husk_cgroup_sub_add_pid(sub, pid, in_clone3_cgroup, err)
             : husk_cgroup_add_pid(cg, pid, in_clone3_cgroup, err);
}

/* Clone the process into the container and drive it to READY. */
static int spawn(const husk_state_t *st, const husk_process_t *proc,
                 const husk_seccomp_t *seccomp_cfg,
                 const husk_memory_policy_t *mpol, const husk_exec_opts_t *o,
                 int dirfd, spawned_t *out, husk_error_t **err) {
  bool paused = st->status == HUSK_STATUS_PAUSED;
  _cleanup_close_ int init = husk_pidfd_for(st->pid, st->pid_start_time);
  if (init < 0)
    return husk_error_set(err, 0, "container \"%s\" is not running", st->id);
  int ns_flags = namespaces_to_join(st->pid);
  /* Unprivileged, entering the pid namespace takes CAP_SYS_ADMIN, which
   * only the container's user namespace gives us: join that one first. */
  if ((ns_flags & CLONE_NEWPID) && (ns_flags & CLONE_NEWUSER) &&
      geteuid() != 0) {
    if (setns(init, CLONE_NEWUSER) < 0)
      return husk_error_errno(err, "join the container's user namespace");
    ns_flags &= ~CLONE_NEWUSER;
  }
  if ((ns_flags & CLONE_NEWPID) && setns(init, CLONE_NEWPID) < 0)
    return husk_error_errno(err, "join the container's pid namespace");
  husk_cgroup_t *cg = NULL;
  husk_cgroup_sub_t *sub = NULL;
  if (st->cgroup_path && husk_cgroup_load(st->cgroup_path, &cg, err) < 0)
    return -1;
  int rc = -1, sv[2] = {-1, -1}, pidfd = -1, master = -1;
  _cleanup_close_ int console_fd = -1, procfd = -1, pidfd_sock = -1;
  /* The container's profile filters its exec'd processes too. */
  _cleanup_close_ int listener_sock = -1;
  husk_seccomp_filter_t *seccomp = NULL;
  if (husk_seccomp_compile(seccomp_cfg, &seccomp, err) < 0)
    goto out;
  if (seccomp && seccomp->notify &&
      (listener_sock = husk_seccomp_listener_connect(seccomp_cfg, err)) < 0)
    goto out;
  if (o->n_cgroups && !cg) {
    husk_error_set(err, 0, "exec: --cgroup: container \"%s\" has no cgroup",
                   st->id);
    goto out;
  }
  if (o->n_cgroups &&
      husk_cgroup_sub_open(cg, o->cgroups, o->n_cgroups, &sub, err) < 0)
    goto out;
  if (proc->terminal && o->console_socket &&
      (console_fd = husk_console_socket_connect(o->console_socket, err)) < 0)
    goto out;
  if (o->pidfd_socket &&
      (pidfd_sock = husk_pidfd_socket_connect(o->pidfd_socket, err)) < 0)
    goto out;
  procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (procfd < 0 ||
      socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
    husk_error_errno(err, "prepare exec");
    goto out;
  }
  husk_caps_warn(&proc->capabilities, "process", procfd);
  /* execCPUAffinity.initial: this process, until the child is in the
   * container's cgroup (the child starts with it too). */
  if (husk_affinity_initial(proc, err) < 0)
    goto out;
  /* Into a paused container, the process joins its cgroup only after
   * setup (else it would freeze before READY). */
  int cgfd = !cg || paused ? -1
             : sub         ? husk_cgroup_sub_clone3_fd(sub)
                           : husk_cgroup_clone3_fd(cg);
  pid_t pid = husk_clone3(0, cgfd, &pidfd);
  bool in_cgroup = pid >= 0 && cgfd >= 0;
  if (pid < 0 && cgfd >= 0)
    pid = husk_clone3(0, -1, &pidfd);
  if (pid < 0) {
    husk_error_errno(err, "clone");
    goto out;
  }
  if (pid == 0) {
    close(dirfd); /* the state lock stays with the parent */
    close(sv[0]);
    exec_child_t c = {proc,   init,       ns_flags,        sv[1],
                      procfd, console_fd, o->preserve_fds, seccomp,
                      mpol};
    child_main(&c);
  }
  close(sv[1]);
  sv[1] = -1;
  if ((cg && !paused && join_cgroup(cg, sub, pid, in_cgroup, err) < 0) ||
      husk_sync_send(sv[0], HUSK_SYNC_SETUP, err) < 0 ||
      (listener_sock >= 0 &&
       husk_seccomp_listener_forward(sv[0], pidfd, listener_sock, seccomp_cfg,
                                     pid, st, err) < 0) ||
      husk_sync_expect_fd(sv[0], pidfd, HUSK_SYNC_READY, SETUP_TIMEOUT_MS,
                          &master, err) < 0 ||
      (cg && paused && join_cgroup(cg, sub, pid, false, err) < 0) ||
      husk_sync_send(sv[0], HUSK_SYNC_SETUP, err) < 0 ||
      (o->pid_file && husk_write_pid_file(o->pid_file, pid, err) < 0) ||
      (pidfd_sock >= 0 &&
       husk_pidfd_socket_send(pidfd_sock, pidfd, HUSK_PIDFD_KIND_EXEC, err) <
           0)) {
    syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
    waitpid(pid, NULL, 0);
    close(pidfd);
    if (master >= 0)
      close(master);
    goto out;
  }
  out->pid = pid;
  out->pidfd = pidfd;
  out->master = master;
  rc = 0;
out:
  if (sv[0] >= 0)
    close(sv[0]);
  if (sv[1] >= 0)
    close(sv[1]);
  husk_cgroup_sub_free(sub);
  husk_cgroup_free(cg);
  husk_seccomp_filter_free(seccomp);
  return rc;
}

static int check_terminal(const husk_process_t *proc, const husk_exec_opts_t *o,
                          husk_error_t **err) {
  if (proc->terminal && !o->console_socket && o->detach)
    return husk_error_set(err, 0,
                          "exec: a terminal needs --console-socket with "
                          "--detach");
  if (!proc->terminal && o->console_socket)
    return husk_error_set(err, 0,
                          "exec: --console-socket is only allowed with a "
                          "terminal (--tty)");
  return 0;
}

static int check_status(const husk_state_t *st, const husk_exec_opts_t *o,
                        husk_error_t **err) {
  switch (st->status) {
  case HUSK_STATUS_RUNNING:
  case HUSK_STATUS_CREATED:
    return 0;
  case HUSK_STATUS_PAUSED:
    if (o->ignore_paused)
      return 0;
    return husk_error_set(err, 0,
                          "cannot exec in paused container \"%s\" (see "
                          "--ignore-paused)",
                          st->id);
  default:
    return husk_error_set(err, 0, "cannot exec in container \"%s\": it is %s",
                          st->id, husk_status_name(st->status));
  }
}

int husk_container_exec(const husk_context_t *ctx, const char *id,
                        const husk_exec_opts_t *o, int *exit_status,
                        husk_error_t **err) {
  *exit_status = 0;

  if (husk_preserve_fds_check(o->preserve_fds, 0, err) < 0)
    return -1;
  husk_exec_process_t ep;
  spawned_t s = {-1, -1, -1};
  int rc;
  {
    /* The lock is held only while the process is being set up. */
    _cleanup_close_ int dirfd = husk_state_dir_lock(ctx, id, err);
    if (dirfd < 0)
      return -1;
    husk_state_t *st = NULL;
    if (husk_state_load_at(dirfd, id, &st, err) < 0)
      return -1;
    rc = check_status(st, o, err);
    if (rc == 0)
      rc = husk_exec_process_build(dirfd, o, &ep, err);
    if (rc == 0 && o->tty)
      ep.proc.terminal = true;
    if (rc == 0)
      rc = check_terminal(&ep.proc, o, err);
    if (rc == 0)
      rc = husk_lsm_check(ep.proc.apparmor_profile,
                          o->apparmor ? "exec: --apparmor"
                                      : "exec: process.apparmorProfile",
                          ep.proc.selinux_label,
                          o->process_label ? "exec: --process-label"
                                           : "exec: process.selinuxLabel",
                          NULL, err);
    if (rc == 0) {
      rc = spawn(st, &ep.proc, &ep.spec->linux_.seccomp,
                 &ep.spec->linux_.memory_policy, o, dirfd, &s, err);
      husk_exec_process_free(&ep);
    }
    husk_state_free(st);
  }
  if (rc < 0 || o->detach) {
    if (rc == 0)
      close(s.pidfd);
    if (s.master >= 0)
      close(s.master);
    return rc;
  }
  if (s.master >= 0) {
    husk_error_t *e = NULL;
    if (husk_tty_proxy_pidfd(s.master, s.pidfd, &e) < 0) {
      husk_warn("%s", e->msg);
      husk_error_free(e);
    }
    close(s.master);
  }
  *exit_status = husk_wait_forwarding(s.pid, s.pidfd);
  close(s.pidfd);
  return 0;
}
