/* `husk create`: validate everything, then clone the container init and
 * drive it through setup; the init waits on exec.fifo for `start`. */
#include "runtime/create.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "linux/caps.h"
#include "linux/clone.h"
#include "linux/idmap.h"
#include "linux/init.h"
#include "linux/lsm.h"
#include "linux/namespaces.h"
#include "linux/pidinfo.h"
#include "linux/seccomp_filter.h"
#include "linux/self_exe.h"
#include "linux/sync.h"
#include "linux/terminal.h"
#include "linux/userns.h"
#include "runtime/exec_process.h"
#include "runtime/hooks.h"
#include "runtime/notify_socket.h"
#include "runtime/pidfd_socket.h"
#include "runtime/preserve_fds.h"
#include "runtime/seccomp_listener.h"
#include "runtime/state.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

#define SETUP_TIMEOUT_MS 60000

int husk_write_pid_file(const char *path, pid_t pid, husk_error_t **err) {
  char tmp[PATH_MAX], text[32];
  if (snprintf(tmp, sizeof tmp, "%s.%d.tmp", path, getpid()) >= (int)sizeof tmp)
    return husk_error_set(err, ENAMETOOLONG, "pid file %s", path);
  int n = snprintf(text, sizeof text, "%d", pid);
  _cleanup_close_ int fd =
      open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return husk_error_errno(err, "pid file %s", path);
  if (husk_write_all_fd(fd, text, n) < 0 || rename(tmp, path) < 0) {
    int e = errno;
    unlink(tmp);
    return husk_error_set(err, e, "pid file %s", path);
  }
  return 0;
}

/* The one /proc the init trusts: checked to really be procfs. */
static int open_procfs(husk_error_t **err) {
  int fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
  struct statfs sfs;
  if (fd < 0 || fstatfs(fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC) {
    if (fd >= 0)
      close(fd);
    return husk_error_set(err, 0, "/proc is not a procfs mount");
  }
  return fd;
}

/* Be loud about what this version parses but does not act on yet. */
static void warn_unapplied(const husk_spec_t *spec) {
  const husk_linux_t *l = &spec->linux_;
  struct {
    bool set;
    const char *what;
  } fields[] = {
      {l->intel_rdt.present, "linux.intelRdt"},
      {l->n_net_devices > 0, "linux.netDevices"},
  };
  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
    if (fields[i].set)
      husk_warn("config.json: %s is validated but not applied by this "
                "version of husk",
                fields[i].what);
}

static int check_supported(const husk_spec_t *spec,
                           const husk_create_opts_t *opts,
                           const husk_ns_plan_t *ns, husk_error_t **err) {
  if (spec->process.terminal && !opts->console_socket && !opts->attached)
    return husk_error_set(err, 0,
                          "config.json: process.terminal: a terminal needs "
                          "--console-socket when husk does not stay attached");
  if (!spec->process.terminal && opts->console_socket)
    return husk_error_set(err, 0,
                          "--console-socket is only allowed with "
                          "process.terminal");
  if (!ns->create[HUSK_NS_MOUNT])
    return husk_error_set(err, 0,
                          "config.json: linux.namespaces: a new mount "
                          "namespace is required");
  if (geteuid() != 0 && !ns->create[HUSK_NS_USER] &&
      ns->join_fd[HUSK_NS_USER] < 0)
    return husk_error_set(err, 0,
                          "config.json: linux.namespaces: husk runs "
                          "unprivileged, which needs a user namespace (see "
                          "`husk spec --rootless`)");
  if (ns->create[HUSK_NS_USER] && husk_userns_check(spec, err) < 0)
    return -1;
  return husk_lsm_check(
      spec->process.apparmor_profile, "config.json: process.apparmorProfile",
      spec->process.selinux_label, "config.json: process.selinuxLabel",
      spec->linux_.mount_label, err);
}

static husk_state_t *new_state(const char *id, const husk_spec_t *spec,
                               const char *bundle, pid_t pid,
                               const husk_cgroup_t *cg) {
  husk_state_t *st = calloc(1, sizeof *st);
  if (!st)
    return NULL;
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  char when[64];
  husk_format_time(when, sizeof when, now.tv_sec, now.tv_nsec);
  st->id = strdup(id);
  st->bundle = strdup(bundle);
  st->rootfs = strdup(spec->root.path);
  st->created = strdup(when);
  st->pid = pid;
  st->owner = getuid();
  st->cgroup_path = cg ? strdup(husk_cgroup_path(cg)) : NULL;
  st->status = HUSK_STATUS_CREATED;
  /* Borrowed from the spec: the caller clears it before freeing. */
  st->annotations = spec->annotations;
  husk_pid_stat(pid, &st->pid_start_time, NULL);
  if (!st->id || !st->bundle || !st->rootfs || !st->created ||
      (cg && !st->cgroup_path)) {
    st->annotations = (husk_kvlist_t){0};
    husk_state_free(st);
    return NULL;
  }
  return st;
}

static int save_state(int dirfd, const char *id, const husk_spec_t *spec,
                      const char *bundle, pid_t pid, const husk_cgroup_t *cg,
                      husk_error_t **err) {
  husk_state_t *st = new_state(id, spec, bundle, pid, cg);
  if (!st)
    return husk_error_errno(err, "record state");
  int rc = husk_state_save(dirfd, st, err);
  st->annotations = (husk_kvlist_t){0};
  husk_state_free(st);
  return rc;
}

/* exec, start and delete read the config as it was at create time. */
static int save_config(const char *bundle, int dirfd, husk_error_t **err) {
  _cleanup_close_ int bfd = open(bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
  _cleanup_free_ char *buf = NULL;
  size_t len;
  if (bfd < 0)
    return husk_error_errno(err, "bundle %s", bundle);
  if (husk_read_file_at(bfd, "config.json", 16 << 20, &buf, &len, err) < 0)
    return -1;
  return husk_write_atomic_at(dirfd, HUSK_CONFIG_COPY, buf, len, 0600, err);
}

/* prestart and createRuntime, in the runtime's namespaces, while the child
 * waits before pivot_root. */
static int run_create_hooks(const char *id, const husk_spec_t *spec,
                            const char *bundle, pid_t pid,
                            const husk_cgroup_t *cg, husk_error_t **err) {
  husk_state_t *st = new_state(id, spec, bundle, pid, cg);
  if (!st)
    return husk_error_errno(err, "hooks");
  st->status = HUSK_STATUS_CREATING;
  int rc = husk_hooks_run(&spec->hooks.prestart, "prestart", st, true, err);
  if (rc == 0)
    rc = husk_hooks_run(&spec->hooks.create_runtime, "createRuntime", st, true,
                        err);
  st->annotations = (husk_kvlist_t){0};
  husk_state_free(st);
  return rc;
}

/* linux.seccomp.listenerPath: the init's listener, with the state as the
 * agent should see it (creating). */
static int hand_over_listener(const char *id, const husk_spec_t *spec,
                              const char *bundle, const husk_cgroup_t *cg,
                              pid_t pid, int pidfd, int sync_fd, int sock,
                              husk_error_t **err) {
  if (sock < 0)
    return 0;
  husk_state_t *st = new_state(id, spec, bundle, pid, cg);
  if (!st)
    return husk_error_errno(err, "config.json: linux.seccomp.listenerPath");
  st->status = HUSK_STATUS_CREATING;
  int rc = husk_seccomp_listener_forward(sync_fd, pidfd, sock,
                                         &spec->linux_.seccomp, pid, st, err);
  st->annotations = (husk_kvlist_t){0};
  husk_state_free(st);
  return rc;
}

/* The parent's half of setup: ids, SETUP, the cgroup (the child makes its
 * mounts meanwhile: the first v1 cgroup.procs write waits for an RCU grace
 * period), CGROUP_DONE (after which the child makes its cgroup namespace),
 * the create hooks if any, the seccomp listener if any, then wait for
 * READY. */
static int drive_child(const char *id, const husk_spec_t *spec,
                       const char *bundle, const husk_ns_plan_t *ns,
                       const husk_cgroup_t *cg, bool in_clone3_cgroup,
                       pid_t pid, int pidfd, int sync_fd, int listener_sock,
                       int *master, husk_error_t **err) {
  if (ns->create[HUSK_NS_USER] && husk_userns_write_maps(spec, pid, err) < 0)
    return -1;
  if (husk_sync_send(sync_fd, HUSK_SYNC_SETUP, err) < 0)
    return -1;
  if (cg && husk_cgroup_add_pid(cg, pid, in_clone3_cgroup, err) < 0)
    return -1;
  /* If the child failed meanwhile, its ERROR is read by the next wait. */
  husk_sync_send(sync_fd, HUSK_SYNC_CGROUP_DONE, NULL);
  if (spec->hooks.prestart.len || spec->hooks.create_runtime.len) {
    if (husk_sync_expect(sync_fd, pidfd, HUSK_SYNC_HOOKS, SETUP_TIMEOUT_MS,
                         err) < 0 ||
        run_create_hooks(id, spec, bundle, pid, cg, err) < 0 ||
        husk_sync_send(sync_fd, HUSK_SYNC_SETUP, err) < 0)
      return -1;
  }
  if (hand_over_listener(id, spec, bundle, cg, pid, pidfd, sync_fd,
                         listener_sock, err) < 0)
    return -1;
  return husk_sync_expect_fd(sync_fd, pidfd, HUSK_SYNC_READY, SETUP_TIMEOUT_MS,
                             master, err);
}

/* Unprivileged and refused a cgroup: like runc, go on without one (in the
 * caller's cgroup) unless the config asks for a cgroupsPath or limits. */
static int rootless_without_cgroup(const husk_spec_t *spec,
                                   husk_error_t **err) {
  int e = (*err)->errno_value;
  if (geteuid() == 0 || (e != EACCES && e != EPERM && e != EROFS))
    return -1;
  const char *limit = husk_cgroup_limit_key(&spec->linux_.resources);
  if (spec->linux_.cgroups_path)
    return husk_error_wrap(err, "config.json: linux.cgroupsPath: husk runs "
                                "unprivileged and may not create this cgroup");
  if (limit)
    return husk_error_wrap(err,
                           "config.json: %s: husk runs unprivileged and has "
                           "no cgroup it may write to set limits in (remove "
                           "them, or give a delegated cgroup2 subtree as "
                           "linux.cgroupsPath)",
                           limit);
  husk_debug("unprivileged, no cgroup of its own: %s", (*err)->msg);
  husk_error_free(*err);
  *err = NULL;
  return 0;
}

/* The container's cgroup; a frozen one (reused by path) is refused. */
static int make_cgroup(const husk_spec_t *spec, const char *id,
                       husk_cgroup_t **cg, husk_error_t **err) {
  if (husk_cgroup_create(spec, id, cg, err) < 0) {
    *cg = NULL;
    return rootless_without_cgroup(spec, err);
  }
  bool frozen = false;
  if (husk_cgroup_is_frozen(*cg, &frozen, err) < 0)
    return -1;
  if (frozen)
    return husk_error_set(err, 0,
                          "cgroup %s is frozen: refusing to start "
                          "a container in it",
                          husk_cgroup_path(*cg));
  return 0;
}

/* clone3 straight into the cgroup where the kernel can; without
 * CLONE_INTO_CGROUP the parent moves the child before SETUP instead. */
static pid_t clone_init(const husk_ns_plan_t *ns, const husk_cgroup_t *cg,
                        int *pidfd, bool *in_clone3_cgroup) {
  unsigned long flags = husk_ns_clone_flags(ns);
  int cgfd = cg ? husk_cgroup_clone3_fd(cg) : -1;
  if (cgfd >= 0) {
    pid_t pid = husk_clone3(flags, cgfd, pidfd);
    if (pid >= 0 || (errno != EINVAL && errno != E2BIG && errno != ENOSYS)) {
      *in_clone3_cgroup = pid >= 0;
      return pid;
    }
  }
  *in_clone3_cgroup = false;
  return husk_clone3(flags, -1, pidfd);
}

/* An init killed by the OOM killer during setup says little by itself. */
static void explain_oom(const husk_spec_t *spec, const husk_cgroup_t *cg,
                        husk_error_t **err) {
  uint64_t kills = 0;
  husk_error_t *e = NULL;
  if (cg && husk_cgroup_oom_kills(cg, &kills, &e) == 0 && kills > 0)
    husk_error_wrap(err,
                    "config.json: linux.resources.memory.limit: %lld bytes "
                    "is too low, the OOM killer stopped the container's "
                    "setup",
                    (long long)spec->linux_.resources.memory.limit);
  husk_error_free(e);
}

/* Returns the wait status (a SIGSYS death says the filter did it). */
static int kill_and_reap(pid_t pid, int pidfd) {
  syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

static void explain_sigsys(const husk_seccomp_filter_t *seccomp, int status,
                           husk_error_t **err) {
  if (seccomp && WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS)
    husk_error_wrap(err, "config.json: linux.seccomp: the filter stopped the "
                         "setup with SIGSYS (without noNewPrivileges it is "
                         "loaded before the user change and must allow "
                         "the rest of the setup)");
}

static int spawn(const husk_context_t *ctx, const char *id,
                 const husk_create_opts_t *opts, husk_spec_t *spec,
                 const char *bundle, int dirfd, husk_created_t *out,
                 husk_error_t **err) {
  husk_ns_plan_t ns;
  if (husk_ns_plan(spec, &ns, err) < 0)
    return -1;
  int rc = -1;
  _cleanup_close_ int procfd = -1, fifo_fd = -1;
  int sv[2] = {-1, -1};
  husk_cgroup_t *cg = NULL;
  _cleanup_close_ int console_fd = -1, pidfd_sock = -1, listener_sock = -1;
  husk_seccomp_filter_t *seccomp = NULL;
  if (check_supported(spec, opts, &ns, err) < 0)
    goto out;
  /* Compiled once here; the init only loads it. */
  if (husk_seccomp_compile(&spec->linux_.seccomp, &seccomp, err) < 0)
    goto out;
  if (seccomp && seccomp->notify &&
      (listener_sock =
           husk_seccomp_listener_connect(&spec->linux_.seccomp, err)) < 0)
    goto out;
  /* Early, so that a bad socket path fails before anything exists. */
  if (spec->process.terminal && opts->console_socket &&
      (console_fd = husk_console_socket_connect(opts->console_socket, err)) < 0)
    goto out;
  if (opts->pidfd_socket &&
      (pidfd_sock = husk_pidfd_socket_connect(opts->pidfd_socket, err)) < 0)
    goto out;
  if (husk_notify_prepare(dirfd, spec, err) < 0)
    goto out;
  if (make_cgroup(spec, id, &cg, err) < 0)
    goto out;
  if ((procfd = open_procfs(err)) < 0)
    goto out;
  husk_caps_warn(&spec->process.capabilities, "process", procfd);
  if (husk_idmap_prepare(spec, bundle, err) < 0)
    goto out;
  if (save_config(bundle, dirfd, err) < 0)
    goto out;
  if (mkfifoat(dirfd, HUSK_EXEC_FIFO, 0622) < 0) {
    husk_error_errno(err, "create %s/%s/%s", ctx->root, id, HUSK_EXEC_FIFO);
    goto out;
  }
  /* Any container user may open it: mkfifo's mode went through umask. */
  if (fchmodat(dirfd, HUSK_EXEC_FIFO, 0622, 0) < 0) {
    husk_error_errno(err, "chmod %s/%s/%s", ctx->root, id, HUSK_EXEC_FIFO);
    goto out;
  }
  fifo_fd = openat(dirfd, HUSK_EXEC_FIFO, O_PATH | O_CLOEXEC);
  if (fifo_fd < 0 ||
      socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
    husk_error_errno(err, "prepare container init");
    goto out;
  }
  if (husk_ns_join_pid_for_children(&ns, err) < 0)
    goto out;
  int pidfd = -1;
  bool in_clone3_cgroup = false;
  pid_t pid = clone_init(&ns, cg, &pidfd, &in_clone3_cgroup);
  if (pid < 0) {
    husk_error_errno(err, "clone container init");
    goto out;
  }
  if (pid == 0) {
    /* The state dir's lock must not outlive `create` in the child. */
    close(dirfd);
    close(sv[0]);
    husk_init_args_t a = {
        .spec = spec,
        .ns = &ns,
        .id = id,
        .bundle = bundle,
        .sync_fd = sv[1],
        .procfd = procfd,
        .fifo_fd = fifo_fd,
        .console_fd = console_fd,
        .no_pivot = opts->no_pivot,
        .no_new_keyring = opts->no_new_keyring,
        .preserve_fds = opts->preserve_fds,
        .seccomp = seccomp,
    };
    husk_init_main(&a);
  }
  close(sv[1]);
  sv[1] = -1;
  husk_idmap_release(); /* the init has its own copies */
  husk_debug("create %s: init is pid %d (clone flags 0x%lx)", id, pid,
             husk_ns_clone_flags(&ns));
  int master = -1;
  if (drive_child(id, spec, bundle, &ns, cg, in_clone3_cgroup, pid, pidfd,
                  sv[0], listener_sock, &master, err) < 0 ||
      save_state(dirfd, id, spec, bundle, pid, cg, err) < 0 ||
      (opts->pid_file && husk_write_pid_file(opts->pid_file, pid, err) < 0) ||
      (pidfd_sock >= 0 &&
       husk_pidfd_socket_send(pidfd_sock, pidfd, HUSK_PIDFD_KIND_INIT, err) <
           0)) {
    int wstatus = kill_and_reap(pid, pidfd);
    explain_oom(spec, cg, err);
    explain_sigsys(seccomp, wstatus, err);
    close(pidfd);
    if (master >= 0)
      close(master);
    goto out;
  }
  husk_debug("create %s: init ready, waiting for start", id);
  out->pid = pid;
  out->pidfd = pidfd;
  out->master = master;
  rc = 0;
out:
  if (rc < 0 && cg) {
    husk_error_t *e = NULL;
    if (husk_cgroup_destroy(cg, &e) < 0)
      husk_warn("%s", e->msg);
    husk_error_free(e);
  }
  husk_cgroup_free(cg);
  husk_seccomp_filter_free(seccomp);
  husk_idmap_release();
  if (sv[0] >= 0)
    close(sv[0]);
  if (sv[1] >= 0)
    close(sv[1]);
  husk_ns_plan_close(&ns);
  return rc;
}

/* A failed create still ends with the destroy step's poststop hooks, as
 * the runtime-spec's lifecycle says. */
static void run_poststop(const char *id, const husk_spec_t *spec,
                         const char *bundle) {
  if (!spec->hooks.poststop.len)
    return;
  husk_state_t *st = new_state(id, spec, bundle, 0, NULL);
  if (!st)
    return;
  st->status = HUSK_STATUS_STOPPED;
  husk_hooks_run(&spec->hooks.poststop, "poststop", st, false, NULL);
  st->annotations = (husk_kvlist_t){0};
  husk_state_free(st);
}

/* Could a root process in the container open the host's husk binary for
 * writing (through /proc/<init>/exe, or by exec'ing /proc/self/exe from
 * the init)? Not when it lives in a new user namespace that maps neither
 * the binary's owner nor any other id that may write it. */
static bool container_could_write_husk(const husk_spec_t *spec) {
  const husk_linux_t *l = &spec->linux_;
  bool new_userns = false;
  for (size_t i = 0; i < l->n_namespaces; i++)
    new_userns = new_userns || (l->namespaces[i].type == HUSK_NS_USER &&
                                !l->namespaces[i].path);
  struct stat st;
  if (!new_userns || stat("/proc/self/exe", &st) < 0 ||
      (st.st_mode & (S_IWGRP | S_IWOTH)))
    return true;
  for (size_t i = 0; i < l->uid_mappings.len; i++) {
    const husk_idmap_t *m = &l->uid_mappings.items[i];
    if (st.st_uid >= m->host_id && st.st_uid - m->host_id < m->size)
      return true;
  }
  return false;
}

int husk_create(const husk_context_t *ctx, const char *id,
                const husk_create_opts_t *opts, husk_created_t *out,
                husk_error_t **err) {
  if (husk_validate_id(id, err) < 0)
    return -1;
  char bundle[PATH_MAX];
  if (!realpath(opts->bundle ? opts->bundle : ".", bundle))
    return husk_error_errno(err, "bundle %s",
                            opts->bundle ? opts->bundle : ".");
  husk_spec_t *spec = NULL;
  if (husk_spec_load(bundle, &spec, err) < 0)
    return -1;
  husk_debug("create %s: bundle %s, rootfs %s", id, bundle, spec->root.path);
  /* The init runs husk code inside the container until its execve: give
   * it a sealed copy of husk as its exe, not the host's file. Re-executes
   * this command (which parses the config again) unless already sealed. */
  if (container_could_write_husk(spec) &&
      husk_self_exe_ensure_sealed(err) < 0) {
    husk_spec_free(spec);
    return -1;
  }
  warn_unapplied(spec);
  /* Socket activation's fds come first, then --preserve-fds'. */
  husk_create_opts_t with_listen = *opts;
  unsigned listen_fds = 0;
  if (husk_listen_fds_take(&spec->process, &listen_fds, err) < 0 ||
      husk_preserve_fds_check(opts->preserve_fds, listen_fds, err) < 0) {
    husk_spec_free(spec);
    return -1;
  }
  with_listen.preserve_fds += listen_fds;
  opts = &with_listen;
  if (ctx->systemd_cgroup) {
    husk_spec_free(spec);
    return husk_error_set(err, 0,
                          "--systemd-cgroup: the systemd cgroup driver is not "
                          "available in this version of husk");
  }
  int rc = -1;
  _cleanup_close_ int dirfd = husk_state_dir_create(ctx, id, err);
  if (dirfd >= 0) {
    rc = spawn(ctx, id, opts, spec, bundle, dirfd, out, err);
    if (rc < 0) {
      husk_error_t *cleanup_err = NULL;
      if (husk_state_dir_remove(ctx, id, &cleanup_err) < 0) {
        husk_warn("%s", cleanup_err->msg);
        husk_error_free(cleanup_err);
      }
      run_poststop(id, spec, bundle);
    }
  }
  husk_spec_free(spec);
  return rc;
}

int husk_container_create(const husk_context_t *ctx, const char *id,
                          const husk_create_opts_t *opts, husk_error_t **err) {
  husk_created_t c;
  if (husk_create(ctx, id, opts, &c, err) < 0)
    return -1;
  close(c.pidfd);
  if (c.master >= 0)
    close(c.master);
  return 0;
}
