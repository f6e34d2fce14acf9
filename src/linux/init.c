/* The container init, in order: join namespaces, wait for the parent's
 * SETUP, build the root, set up the process, report READY, wait on the exec
 * fifo for `start`, exec. Any failure is sent to the parent as text. */
#include "linux/init.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/caps.h"
#include "linux/process.h"
#include "linux/rlimits.h"
#include "linux/rootfs.h"
#include "linux/scheduling.h"
#include "linux/sync.h"
#include "linux/sysctls.h"
#include "linux/terminal.h"
#include "runtime/hooks.h"
#include "util/cleanup.h"
#include "util/fs.h"

#define KEYCTL_JOIN_SESSION_KEYRING 1
#define SETUP_TIMEOUT_MS 60000

static int set_names(const husk_spec_t *spec, const husk_ns_plan_t *ns,
                     husk_error_t **err) {
  bool own_uts = ns->create[HUSK_NS_UTS] || ns->join_fd[HUSK_NS_UTS] >= 0;
  if ((spec->hostname || spec->domainname) && !own_uts)
    return husk_error_set(err, 0,
                          "config.json: hostname: setting it needs a uts "
                          "namespace");
  if (spec->hostname && sethostname(spec->hostname, strlen(spec->hostname)) < 0)
    return husk_error_errno(err, "config.json: hostname: \"%s\"",
                            spec->hostname);
  if (spec->domainname &&
      setdomainname(spec->domainname, strlen(spec->domainname)) < 0)
    return husk_error_errno(err, "config.json: domainname: \"%s\"",
                            spec->domainname);
  return 0;
}

/* What only the init gets; the rest is husk_process_prepare's. */
static int set_init_attrs(const husk_init_args_t *a, husk_error_t **err) {
  if (a->spec->linux_.personality.present) {
    const char *d = a->spec->linux_.personality.domain;
    unsigned long persona =
        d && !strcmp(d, "LINUX32") ? PER_LINUX32 : PER_LINUX;
    if (personality(persona) < 0)
      return husk_error_errno(err, "config.json: linux.personality");
  }
  if (husk_mempolicy_apply(&a->spec->linux_.memory_policy, err) < 0)
    return -1;
  if (!a->no_new_keyring) {
    /* A keyring of its own, named after the container as runc does. */
    char name[300];
    snprintf(name, sizeof name, "_ses.%s", a->id);
    if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name) < 0 &&
        errno != ENOSYS)
      return husk_error_errno(err, "create session keyring %s", name);
  }
  return 0;
}

/* The OCI state as the hooks run from here see it; pid is the host's. */
static int run_hooks(const husk_init_args_t *a, const husk_hooklist_t *hooks,
                     const char *kind, husk_status_t status,
                     husk_error_t **err) {
  if (!hooks->len)
    return 0;
  char self[32] = "";
  if (readlinkat(a->procfd, "self", self, sizeof self - 1) < 0)
    return husk_error_errno(err, "hooks %s: own pid", kind);
  husk_state_t st = {
      .id = (char *)a->id,
      .pid = atoi(self),
      .bundle = (char *)a->bundle,
      .rootfs = a->spec->root.path,
      .created = "",
      .annotations = a->spec->annotations,
      .status = status,
  };
  return husk_hooks_run(hooks, kind, &st, true, err);
}

/* Before pivot_root: the runtime's create hooks (run by the parent), then
 * createContainer here, in the container's namespaces. */
static int create_hooks(const husk_init_args_t *a, husk_error_t **err) {
  const husk_hooks_t *h = &a->spec->hooks;
  if (h->prestart.len || h->create_runtime.len) {
    if (husk_sync_send(a->sync_fd, HUSK_SYNC_HOOKS, err) < 0 ||
        husk_sync_expect(a->sync_fd, -1, HUSK_SYNC_SETUP, SETUP_TIMEOUT_MS,
                         err) < 0)
      return -1;
  }
  return run_hooks(a, &h->create_container, "createContainer",
                   HUSK_STATUS_CREATING, err);
}

/* With ids mapped, act as the namespace's root so that files made during
 * setup belong to a mapped owner. */
static int become_root_in_userns(const husk_ns_plan_t *ns, husk_error_t **err) {
  if (!ns->create[HUSK_NS_USER] && ns->join_fd[HUSK_NS_USER] < 0)
    return 0;
  if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
    return husk_error_errno(err, "become root in the user namespace "
                                 "(is uid 0 mapped?)");
  return 0;
}

/* process.terminal: the pty is made inside the new root; its master goes
 * to the console socket, or (*master) back to `husk run` with READY. */
static int open_terminal(const husk_init_args_t *a, int *master,
                         husk_error_t **err) {
  if (!a->spec->process.terminal)
    return 0;
  if (husk_terminal_setup(&a->spec->process, master, err) < 0)
    return -1;
  if (a->console_fd < 0)
    return 0;
  int rc = husk_console_socket_send(a->console_fd, *master, err);
  close(*master);
  *master = -1;
  return rc;
}

/* The parent moves this process into its v1 cgroups while the mounts are
 * made (each first write there waits for an RCU grace period); the cgroup
 * namespace takes the cgroups the process is in, so it waits until then. */
static int enter_cgroup_ns(void *data, husk_error_t **err) {
  const husk_init_args_t *a = data;
  if (husk_sync_expect(a->sync_fd, -1, HUSK_SYNC_CGROUP_DONE, SETUP_TIMEOUT_MS,
                       err) < 0)
    return -1;
  return husk_ns_setup_cgroup(a->ns, err);
}

static int setup(const husk_init_args_t *a, char **exe, int *master,
                 husk_error_t **err) {
  const husk_spec_t *spec = a->spec;
  const husk_process_t *proc = &spec->process;
  if (husk_ns_join(a->ns, err) < 0)
    return -1;
  if (husk_sync_expect(a->sync_fd, -1, HUSK_SYNC_SETUP, SETUP_TIMEOUT_MS, err) <
      0)
    return -1;
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (become_root_in_userns(a->ns, err) < 0 ||
      husk_ns_setup_time(spec, a->ns, a->procfd, err) < 0 ||
      set_names(spec, a->ns, err) < 0)
    return -1;
  if (chdir(a->bundle) < 0)
    return husk_error_errno(err, "chdir %s", a->bundle);
  husk_rootfs_ctx_t rctx = {
      .spec = spec,
      .rootfs = spec->root.path,
      .userns =
          a->ns->create[HUSK_NS_USER] || a->ns->join_fd[HUSK_NS_USER] >= 0,
      .no_pivot = a->no_pivot,
      .cgroupns = a->ns->create[HUSK_NS_CGROUP],
      .before_cgroup = enter_cgroup_ns,
      .before_cgroup_data = (void *)a,
  };
  if (husk_rootfs_prepare(&rctx, err) < 0 ||
      husk_sysctl_apply(spec, a->procfd, err) < 0 || create_hooks(a, err) < 0 ||
      husk_rootfs_enter(&rctx, err) < 0)
    return -1;
  if (set_init_attrs(a, err) < 0 || open_terminal(a, master, err) < 0)
    return -1;
  return husk_process_prepare(proc, a->procfd, true, a->seccomp, exe, err);
}

/* Block until `husk start` opens the fifo. Its write end stays open, close
 * on exec, so start reads "0" and then the end of file once the process is
 * exec'd, or "1" and the message when a startContainer hook failed. */
static int wait_for_start(const husk_init_args_t *a, husk_error_t **err) {
  char path[64];
  snprintf(path, sizeof path, "self/fd/%d", a->fifo_fd);
  int fd = openat(a->procfd, path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return husk_error_errno(err, "open exec fifo");
  return fd;
}

static void report_to_start(int fd, const husk_error_t *err) {
  dprintf(fd, "1%s", err && err->msg ? err->msg : "unknown error");
}

_Noreturn void husk_init_main(const husk_init_args_t *a) {
  husk_error_t *err = NULL;
  if (a->seccomp)
    a->seccomp->report_fd = a->sync_fd;
  _cleanup_free_ char *exe = NULL;
  /* Not ptrace-able or dumpable by the container until execve. With a new
   * user namespace, only from SETUP on: until then the parent (or its
   * newuidmap, unprivileged) must be able to open our /proc files. */
  if (!a->ns->create[HUSK_NS_USER])
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  /* If `husk create` dies during setup, so does this half-made container. */
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  husk_process_close_inherited(a->procfd, a->preserve_fds);
  int master = -1;
  if (setup(a, &exe, &master, &err) < 0)
    goto fail;
  /* From here on the parent may exit (create returns): don't die with it. */
  prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
  if (husk_sync_send_fd(a->sync_fd, HUSK_SYNC_READY, master, &err) < 0)
    goto fail;
  if (master >= 0)
    close(master);
  close(a->sync_fd);
  int start_fd = wait_for_start(a, &err);
  if (start_fd < 0)
    goto fail_late;
  if (run_hooks(a, &a->spec->hooks.start_container, "startContainer",
                HUSK_STATUS_CREATED, &err) < 0) {
    report_to_start(start_fd, err);
    goto fail_late;
  }
  if (write(start_fd, "0", 1) != 1) {
    husk_error_errno(&err, "write exec fifo");
    goto fail_late;
  }
  husk_process_exec(&a->spec->process, exe, a->preserve_fds, a->seccomp, &err);
fail_late:
  /* The parent is gone: the container's stderr is the only channel left. */
  dprintf(STDERR_FILENO, "husk: %s\n", err ? err->msg : "unknown error");
  _exit(127);
fail:
  husk_sync_send_error(a->sync_fd, err);
  _exit(1);
}
