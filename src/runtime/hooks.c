#include "runtime/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux/clone.h"
#include "runtime/exec_process.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"

/* Hooks without a timeout may still not hang the runtime forever. */
#define DEFAULT_TIMEOUT_S 120

_Noreturn static void hook_child(const husk_hook_t *h, int in) {
  dup2(in, STDIN_FILENO);
  char *fallback[] = {h->path, NULL};
  char **argv = h->args.len ? h->args.items : fallback;
  char **envp = h->env.len ? h->env.items : (char *[]){NULL};
  /* Only stdio goes to the hook. */
  syscall(SYS_close_range, 3, ~0U, 0);
  execve(h->path, argv, envp);
  dprintf(STDERR_FILENO, "husk: hook %s: %s\n", h->path, strerror(errno));
  _exit(127);
}

static int run_one(const husk_hook_t *h, const char *what, const char *json,
                   husk_error_t **err) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0)
    return husk_error_errno(err, "%s", what);
  int pidfd = -1;
  pid_t pid = husk_clone3(0, -1, &pidfd);
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return husk_error_errno(err, "%s: fork", what);
  }
  if (pid == 0)
    hook_child(h, fds[0]);
  close(fds[0]);
  /* A hook that does not read its stdin must not block us. */
  signal(SIGPIPE, SIG_IGN);
  husk_write_all_fd(fds[1], json, strlen(json));
  close(fds[1]);
  int timeout_s = h->has_timeout ? h->timeout : DEFAULT_TIMEOUT_S;
  struct pollfd p = {.fd = pidfd, .events = POLLIN};
  int r;
  while ((r = poll(&p, 1, timeout_s * 1000)) < 0 && errno == EINTR)
    ;
  if (r == 0)
    syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
  close(pidfd);
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (r == 0)
    return husk_error_set(err, 0, "%s: timed out after %d s", what, timeout_s);
  if (WIFSIGNALED(status))
    return husk_error_set(err, 0, "%s: killed by signal %d", what,
                          WTERMSIG(status));
  if (WEXITSTATUS(status))
    return husk_error_set(err, 0, "%s: exited with status %d", what,
                          WEXITSTATUS(status));
  return 0;
}

int husk_hooks_run(const husk_hooklist_t *hooks, const char *kind,
                   const husk_state_t *st, bool must_succeed,
                   husk_error_t **err) {
  if (!hooks->len)
    return 0;
  /* Only the spec's fields: no user-name lookup, which inside the
   * container's root could load the container's NSS modules. */
  husk_state_t oci = *st;
  oci.oci_only = true;
  _cleanup_free_ char *json = husk_state_to_json(&oci, false);
  if (!json)
    return husk_error_errno(err, "hooks %s", kind);
  for (size_t i = 0; i < hooks->len; i++) {
    char what[512];
    snprintf(what, sizeof what, "hook %s[%zu] (%s)", kind, i,
             hooks->items[i].path);
    husk_error_t *e = NULL;
    if (run_one(&hooks->items[i], what, json, &e) == 0)
      continue;
    if (must_succeed) {
      *err = e;
      return -1;
    }
    husk_warn("%s", e->msg);
    husk_error_free(e);
  }
  return 0;
}

husk_spec_t *husk_hooks_load(int dirfd) {
  _cleanup_free_ char *buf = NULL;
  size_t len;
  husk_error_t *err = NULL;
  husk_spec_t *spec = NULL;
  /* Most containers have no hooks: skip the parse for them. */
  if (husk_read_file_at(dirfd, HUSK_CONFIG_COPY, 16 << 20, &buf, &len, &err) ==
          0 &&
      strstr(buf, "\"hooks\"") &&
      husk_spec_parse(buf, len, "config.json", &spec, &err) < 0)
    spec = NULL;
  husk_error_free(err);
  return spec;
}
